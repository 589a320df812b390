// nn::Module: the base of every layer and model. It owns named parameters, buffers and
// submodules in registration order, and gives them dotted names ("fc1.weight") for
// state_dict() and safetensors files, like PyTorch's torch.nn.Module.
#pragma once
#include <iosfwd>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ember/tensor.h"

namespace ember {
namespace nn {

// (name, tensor) pairs in registration order; also looked up by name.
class NamedTensors : public std::vector<std::pair<std::string, Tensor>> {
 public:
  using std::vector<std::pair<std::string, Tensor>>::vector;
  using std::vector<std::pair<std::string, Tensor>>::operator[];
  // The tensor called name; ValueError naming it when there is none.
  const Tensor& operator[](const std::string& name) const;
  bool contains(const std::string& name) const;
  std::vector<std::string> keys() const;
};

class Module : public std::enable_shared_from_this<Module> {
 public:
  // name is the class name shown by operator<< ("Linear"); empty means "Module".
  explicit Module(std::string name = "");
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const std::string& name() const { return name_; }

  // The one-tensor forward that Sequential and operator() call. Layers override it; a
  // module with another signature defines its own forward and is called directly.
  virtual Tensor forward(const Tensor& input);
  Tensor operator()(const Tensor& input) { return forward(input); }

  // Registration returns the stored tensor (sharing storage with t). Names may not contain
  // '.', be empty or repeat another parameter, buffer or submodule's name.
  Tensor& register_parameter(const std::string& name, Tensor t, bool requires_grad = true);
  Tensor& register_buffer(const std::string& name, Tensor t);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }

  std::vector<Tensor> parameters(bool recurse = true) const;
  NamedTensors named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  NamedTensors named_buffers(bool recurse = true) const;
  std::vector<std::shared_ptr<Module>> children() const;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_children() const;
  // This module and every module below it, depth first (this one first). Like PyTorch's, this
  // and the parameter and buffer lists give a module or tensor reached twice (a shared
  // submodule) once; state_dict() keeps every name.
  std::vector<std::shared_ptr<Module>> modules();

  // Training mode for this module and its children (Dropout and BatchNorm1d read it).
  virtual void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // Moves or converts every parameter and buffer in place: tensors keep their identity, so
  // optimizers holding parameters() keep working. to(dtype) converts floating tensors only.
  void to(Device device);
  void to(DType dtype);
  // Clears (set_to_none) or zeroes every parameter's gradient.
  void zero_grad(bool set_to_none = true);

  // Parameters and buffers by dotted name, detached and sharing storage with the module.
  std::map<std::string, Tensor> state_dict() const;
  // Copies values in (converting dtype and device to the module's). With strict, missing and
  // unexpected keys throw ValueError naming them; shape mismatches always throw ShapeError.
  void load_state_dict(const std::map<std::string, Tensor>& state, bool strict = true);
  // state_dict() to and from a safetensors file (names as in PyTorch's model.state_dict()).
  void save(const std::string& path) const;
  void load(const std::string& path, bool strict = true);

  // The text inside the parentheses of this module's line in operator<<, e.g.
  // "in_features=784, out_features=256, bias=True".
  virtual std::string extra_repr() const { return ""; }
  std::string repr() const;

 protected:
  void add_child(const std::string& name, std::shared_ptr<Module> module);

 private:
  void check_new_name(const std::string& name, const char* what) const;
  // seen: the tensors already listed, skipped when met again; null lists every name.
  void collect(const std::string& prefix, bool recurse, bool buffers, NamedTensors& out,
               std::set<const void*>* seen) const;
  void repr_into(std::string& out, int indent) const;
  template <typename Fn>
  void apply_to_tensors(Fn&& fn);

  std::string name_;
  bool training_ = true;
  NamedTensors parameters_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
};

std::ostream& operator<<(std::ostream& os, const Module& module);

}  // namespace nn
}  // namespace ember
