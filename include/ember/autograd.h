// Autograd: grad mode, graph nodes, backward/grad, custom functions, gradcheck and anomaly
// detection. Tensor's own autograd methods (requires_grad_, backward, grad, ...) are in
// tensor.h; this header adds the rest of docs/api.md section 6.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "ember/ivalue.h"
#include "ember/tensor.h"

namespace ember {
namespace autograd {

// libtorch's names: a Variable is a Tensor, and lists of them are std::vectors.
using Variable = Tensor;
using variable_list = std::vector<Tensor>;
using tensor_list = std::vector<Tensor>;

class Node;
struct Engine;
template <typename Derived>
struct Function;
namespace detail {
class GraphNode;
struct CustomFunctionAccess;
}  // namespace detail

// An input slot of a node: gradients flowing along the edge go to `function`.
struct Edge {
  std::shared_ptr<Node> function;
  uint32_t input_nr = 0;
  bool is_valid() const { return function != nullptr; }
};

// One recorded operation. apply() takes the gradient of the node's output and returns one
// gradient per next edge (undefined where an input needs none).
class Node {
 public:
  virtual ~Node();
  virtual std::string name() const = 0;
  const std::vector<Edge>& next_edges() const { return next_edges_; }
  virtual std::vector<Tensor> apply(const Tensor& grad_output) = 0;
  // Frees saved tensors after a backward without retain_graph.
  virtual void release_saved() {}
  uint64_t sequence_nr() const { return sequence_nr_; }

  // Functions applied to the incoming gradient before apply() (register_hook, retain_grad).
  std::vector<std::function<Tensor(const Tensor&)>> pre_hooks;

 protected:
  std::vector<Edge> next_edges_;
  uint64_t sequence_nr_;

 private:
  // Every node is made by the library as a detail::GraphNode, which also carries the
  // engine's per-node state; custom functions are written with Function<T>.
  Node();
  friend class detail::GraphNode;
};

// Thread-local switch for recording.
struct GradMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

class NoGradGuard {
 public:
  NoGradGuard() : prev_(GradMode::is_enabled()) { GradMode::set_enabled(false); }
  ~NoGradGuard() { GradMode::set_enabled(prev_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool prev_;
};

// Sets grad mode to `enabled` for its lifetime (libtorch's AutoGradMode).
class AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : prev_(GradMode::is_enabled()) { GradMode::set_enabled(enabled); }
  ~AutoGradMode() { GradMode::set_enabled(prev_); }
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool prev_;
};

class EnableGradGuard {
 public:
  EnableGradGuard() : prev_(GradMode::is_enabled()) { GradMode::set_enabled(true); }
  ~EnableGradGuard() { GradMode::set_enabled(prev_); }
  EnableGradGuard(const EnableGradGuard&) = delete;
  EnableGradGuard& operator=(const EnableGradGuard&) = delete;

 private:
  bool prev_;
};

// While alive, backward checks every node's gradients for NaN and throws naming the node.
class DetectAnomalyGuard {
 public:
  DetectAnomalyGuard();
  ~DetectAnomalyGuard();
  DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
  DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;
  static bool is_enabled();

 private:
  bool prev_;
};

// Gradients of outputs with respect to inputs, without touching any .grad.
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {}, bool retain_graph = false,
                         bool create_graph = false, bool allow_unused = false);

// Runs backward from several roots at once (Tensor::backward is the one-root case).
void backward(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots = {}, bool retain_graph = false,
              bool create_graph = false);

// Compares analytic gradients of fn (whose inputs and output are float64) with central
// differences; throws Error naming the worst element when they disagree, returns true else.
bool gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn, const std::vector<Tensor>& inputs,
               double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3);
// gradcheck of the first derivatives (vector-Jacobian products with a random direction).
bool gradgradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn, const std::vector<Tensor>& inputs,
                   double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3);

// ---- Custom functions: struct F : Function<F> { static Tensor forward(AutogradContext*, ...);
//      static std::vector<Tensor> backward(AutogradContext*, std::vector<Tensor> grad_outputs); }
class AutogradContext {
 public:
  void save_for_backward(std::vector<Tensor> tensors);
  std::vector<Tensor> get_saved_variables() const;
  // Declares the inputs that forward modified in place. When forward returns their version
  // counters are bumped, as PyTorch does, so that an earlier node which saved one of them
  // refuses to run backward; tensors saved by this function are versioned after the bump. A
  // marked input that forward returns is the output, its history now this function's. A leaf
  // that requires grad, or a view of a tensor that does, cannot be marked (AutogradError).
  void mark_dirty(const std::vector<Tensor>& tensors);
  // Declares forward's output not differentiable: it comes back without a history and does
  // not require grad.
  void mark_non_differentiable(const std::vector<Tensor>& outputs);
  // With false, backward is given undefined gradients instead of zeros for outputs that got
  // none. A single output always has one when backward runs, so this changes nothing until
  // multi-output functions exist; it is kept for libtorch's spelling.
  void set_materialize_grads(bool value) { materialize_grads_ = value; }
  // Any other values backward needs: ctx->saved_data["scale"] = 0.5; ...toDouble().
  std::unordered_map<std::string, IValue> saved_data;

 private:
  std::vector<Tensor> saved_;
  std::vector<uint64_t> versions_;
  std::vector<Tensor> dirty_;
  std::vector<Tensor> non_differentiable_;
  bool materialize_grads_ = true;
  bool released_ = false;
  friend struct detail::CustomFunctionAccess;
};

namespace detail {
// Function<T>::apply's way into the recorder; not for direct use.
struct CustomFunctionAccess {
 private:
  using Backward = std::function<std::vector<Tensor>(AutogradContext*, std::vector<Tensor>)>;
  // tensor_args: which of forward's arguments are tensors (backward returns one gradient per
  // argument, or per tensor argument).
  static Tensor record(const std::string& name, std::shared_ptr<AutogradContext> ctx, const std::vector<Tensor>& inputs,
                       std::vector<bool> tensor_args, Tensor output, Backward backward);
  template <typename Derived>
  friend struct ember::autograd::Function;
};
}  // namespace detail

template <typename Derived>
struct Function {
  template <typename... Args>
  static Tensor apply(Args&&... args) {
    auto ctx = std::make_shared<AutogradContext>();
    std::vector<Tensor> inputs;
    std::vector<bool> tensor_args;
    collect(inputs, tensor_args, args...);
    Tensor out;
    {
      NoGradGuard no_grad;
      out = Derived::forward(ctx.get(), std::forward<Args>(args)...);
    }
    return detail::CustomFunctionAccess::record(
        typeid(Derived).name(), ctx, inputs, std::move(tensor_args), out,
        [](AutogradContext* c, std::vector<Tensor> g) { return Derived::backward(c, g); });
  }

 private:
  static void collect(std::vector<Tensor>&, std::vector<bool>&) {}
  template <typename T, typename... Rest>
  static void collect(std::vector<Tensor>& out, std::vector<bool>& is_tensor, const T& first, const Rest&... rest) {
    constexpr bool tensor = std::is_same<std::decay_t<T>, Tensor>::value;
    if constexpr (tensor) out.push_back(first);
    is_tensor.push_back(tensor);
    collect(out, is_tensor, rest...);
  }
};

}  // namespace autograd

using autograd::AutoGradMode;
using autograd::NoGradGuard;

}  // namespace ember
