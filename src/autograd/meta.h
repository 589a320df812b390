// The autograd state a tensor carries (TensorImpl::autograd), and the internal recording API
// the op front ends use. See docs/autograd.md.
#pragma once
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor_impl.h"
#include "ember/autograd.h"

namespace ember {
namespace autograd {

struct AutogradMeta {
  bool requires_grad = false;       // set on leaves by requires_grad_()
  Tensor grad;                      // leaves (and retain_grad() tensors)
  std::shared_ptr<Node> grad_fn;    // non-leaves: the node that made this tensor
  std::weak_ptr<Node> accumulator;  // leaves: their AccumulateGrad node, shared by all uses
  bool retains_grad = false;
  bool is_view = false;  // a view of a tensor that required grad when it was made
  std::vector<std::function<Tensor(const Tensor&)>> leaf_hooks;
};

AutogradMeta* meta_of(const Tensor& t);  // null when the tensor never took part in autograd
AutogradMeta& ensure_meta(const Tensor& t);
bool requires_grad(const Tensor& t);

// True when grad mode is on and an input requires grad: only then is a node recorded.
bool needs_grad(std::initializer_list<const Tensor*> inputs);
bool needs_grad(const std::vector<Tensor>& inputs);

// The edge gradients for t should flow along: its grad_fn, or its leaf accumulator.
Edge gradient_edge(const Tensor& t);

// A tensor kept for backward with the version its storage had, so that backward can refuse
// to use it after an in-place change (Note [Version counters]). Outputs are kept without their
// autograd link (saving an output with its own grad_fn would make a reference cycle) and a weak
// reference to the node that made them: unpacking re-attaches it, as PyTorch does, so that a
// formula reading the output y is differentiable again (double backward).
class SavedVariable {
 public:
  SavedVariable() = default;
  SavedVariable(const Tensor& t, bool is_output);
  Tensor unpack(const std::string& node_name) const;
  void reset() { data_ = Tensor(); }
  Tensor take() { return std::move(data_); }
  bool is_output() const { return is_output_; }
  void set_grad_fn(const std::shared_ptr<Node>& node) { grad_fn_ = node; }

 private:
  Tensor data_;
  uint64_t version_ = 0;
  bool defined_ = false;
  bool is_output_ = false;
  std::weak_ptr<Node> grad_fn_;  // outputs only: the node whose output this is
};

using Formula = std::function<std::vector<Tensor>(const Tensor& grad, const std::vector<Tensor>& saved)>;

// Records `out` as made from `inputs` by the op `name` (e.g. "MulBackward"). At backward,
// formula(grad, saved) gets the unpacked `saved_inputs` followed by `saved_outputs` and
// returns one gradient per input (undefined for inputs that need none). Gradients are
// checked against each input's shape.
void record(Tensor& out, const char* name, const Tensor* inputs, size_t num_inputs, std::vector<Tensor> saved_inputs,
            Formula formula, std::vector<Tensor> saved_outputs = {});
inline void record(Tensor& out, const char* name, std::initializer_list<Tensor> inputs,
                   std::vector<Tensor> saved_inputs, Formula formula, std::vector<Tensor> saved_outputs = {}) {
  record(out, name, inputs.begin(), inputs.size(), std::move(saved_inputs), std::move(formula),
         std::move(saved_outputs));
}
inline void record(Tensor& out, const char* name, const std::vector<Tensor>& inputs, std::vector<Tensor> saved_inputs,
                   Formula formula, std::vector<Tensor> saved_outputs = {}) {
  record(out, name, inputs.data(), inputs.size(), std::move(saved_inputs), std::move(formula),
         std::move(saved_outputs));
}

// grad summed over the dims that broadcasting added to `shape` (and kept as size 1).
Tensor sum_to(const Tensor& grad, const Shape& shape);

// In-place op `op_` on self with autograd: computes op(self) out of place (recorded), copies
// the result into self's memory and makes self the op's output. Throws for leaves that
// require grad and for views of tensors that require grad.
Tensor& inplace(Tensor& self, const char* name, const std::function<Tensor(const Tensor&)>& op);
// True when an in-place op on self (or with these other operands) must go through inplace().
bool inplace_needs_grad(const Tensor& self, std::initializer_list<const Tensor*> others = {});

}  // namespace autograd
}  // namespace ember
