// Tensor's autograd methods and custom autograd::Function recording.
#include "autograd/meta.h"
#include "autograd/nodes.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {

using autograd::AutogradMeta;
using autograd::ensure_meta;
using autograd::meta_of;

bool Tensor::requires_grad() const { return defined() && autograd::requires_grad(*this); }

Tensor& Tensor::requires_grad_(bool requires_grad) {
  check_defined(*this, "requires_grad_");
  EMBER_ENSURE(!requires_grad || is_floating_point(), TypeError,
               "requires_grad_: only tensors of floating point dtype can require gradients, got {}",
               dtype_name(dtype()));
  AutogradMeta* m = meta_of(*this);
  EMBER_ENSURE(!(m && m->grad_fn) || requires_grad, AutogradError,
               "requires_grad_: you can only change requires_grad flags of leaf tensors; use detach() to get a tensor "
               "that does not require grad");
  if (!requires_grad && !m) return *this;
  ensure_meta(*this).requires_grad = requires_grad;
  return *this;
}

Tensor Tensor::grad() const {
  const AutogradMeta* m = meta_of(*this);
  return m ? m->grad : Tensor();
}

Tensor& Tensor::mutable_grad() {
  check_defined(*this, "mutable_grad");
  return ensure_meta(*this).grad;
}

void Tensor::backward(const Tensor& gradient, bool retain_graph, bool create_graph,
                      const std::vector<Tensor>& inputs) const {
  std::vector<Tensor> grad_roots = gradient.defined() ? std::vector<Tensor>{gradient} : std::vector<Tensor>{};
  if (inputs.empty()) {
    autograd::backward({*this}, grad_roots, retain_graph, create_graph);
    return;
  }
  // Only the inputs' gradients, accumulated into their grad() as a leaf's are (non-leaf
  // inputs too, as in libtorch); an input the root does not depend on keeps its grad.
  std::vector<Tensor> grads = autograd::grad({*this}, inputs, grad_roots, retain_graph, create_graph,
                                             /*allow_unused=*/true);
  autograd::AutoGradMode mode(create_graph);
  for (size_t i = 0; i < inputs.size(); ++i)
    if (grads[i].defined()) autograd::AccumulateGrad(inputs[i]).apply(grads[i]);
}

std::shared_ptr<autograd::Node> Tensor::grad_fn() const {
  const AutogradMeta* m = meta_of(*this);
  return m ? m->grad_fn : nullptr;
}

bool Tensor::is_leaf() const {
  const AutogradMeta* m = meta_of(*this);
  return !m || !m->grad_fn;
}

void Tensor::retain_grad() const {
  check_defined(*this, "retain_grad");
  EMBER_ENSURE(requires_grad(), AutogradError, "retain_grad: can't retain_grad on a tensor that doesn't require grad");
  AutogradMeta& m = ensure_meta(*this);
  if (!m.grad_fn || m.retains_grad) return;  // leaves keep their grad anyway
  m.retains_grad = true;
  // The hook holds the tensor weakly: the tensor owns its grad_fn, which owns the hook.
  std::weak_ptr<TensorImpl> weak = impl_ptr();
  m.grad_fn->pre_hooks.push_back([weak](const Tensor& g) {
    if (auto impl = weak.lock()) {
      Tensor self(impl);
      AutogradMeta& sm = ensure_meta(self);
      sm.grad = sm.grad.defined() ? sm.grad + g : g.detach().clone();
    }
    return Tensor();
  });
}

bool Tensor::retains_grad() const {
  const AutogradMeta* m = meta_of(*this);
  return m && m->retains_grad;
}

void Tensor::register_hook(std::function<Tensor(const Tensor&)> hook) const {
  check_defined(*this, "register_hook");
  EMBER_ENSURE(hook != nullptr, ValueError, "register_hook: the hook is an empty std::function");
  EMBER_ENSURE(requires_grad(), AutogradError,
               "register_hook: cannot register a hook on a tensor that doesn't require gradient");
  AutogradMeta& m = ensure_meta(*this);
  if (m.grad_fn)
    m.grad_fn->pre_hooks.push_back(std::move(hook));
  else
    m.leaf_hooks.push_back(std::move(hook));
}

Tensor& Tensor::detach_() {
  check_defined(*this, "detach_");
  impl()->autograd.reset();
  return *this;
}

void Tensor::set_data(const Tensor& new_data) const {
  check_defined(*this, "set_data");
  EMBER_ENSURE(new_data.defined(), ValueError, "set_data: the new data is an undefined tensor");
  EMBER_ENSURE(!requires_grad() || new_data.is_floating_point(), TypeError,
               "set_data: a tensor that requires grad cannot take {} data", new_data.dtype());
  TensorImpl* self = impl();
  const TensorImpl* source = new_data.impl();
  self->storage = source->storage;
  self->layout = source->layout;
  self->dtype = source->dtype;
  self->refresh();
}

uint64_t Tensor::_version() const {
  check_defined(*this, "_version");
  return impl()->storage->version;
}

namespace autograd {

// ---- Custom functions
void AutogradContext::save_for_backward(std::vector<Tensor> tensors) {
  saved_ = std::move(tensors);
  versions_.clear();
  for (const Tensor& t : saved_) versions_.push_back(t.defined() ? t.impl()->storage->version : 0);
}

std::vector<Tensor> AutogradContext::get_saved_variables() const {
  EMBER_ENSURE(!released_, AutogradError,
               "get_saved_variables: the saved tensors were freed by an earlier backward; pass retain_graph=true");
  for (size_t i = 0; i < saved_.size(); ++i)
    EMBER_ENSURE(!saved_[i].defined() || saved_[i].impl()->storage->version == versions_[i], AutogradError,
                 "one of the variables needed for gradient computation has been modified by an inplace operation: [{} "
                 "{}] is at version {}; expected version {} instead (saved by a custom Function)",
                 dtype_name(saved_[i].dtype()), saved_[i].sizes().str(), saved_[i].impl()->storage->version,
                 versions_[i]);
  return saved_;
}

void AutogradContext::mark_dirty(const std::vector<Tensor>& tensors) {
  for (const Tensor& t : tensors) {
    EMBER_ENSURE(t.defined(), ValueError, "mark_dirty: got an undefined tensor");
    EMBER_ENSURE(!(t.is_leaf() && t.requires_grad()), AutogradError,
                 "mark_dirty: a leaf Variable that requires grad (shape {}) has been used in an in-place operation",
                 t.sizes().str());
    const AutogradMeta* m = meta_of(t);
    EMBER_ENSURE(!(m && m->is_view && t.requires_grad()), AutogradError,
                 "mark_dirty: in-place changes of a view of a tensor that requires grad are not supported (shape {})",
                 t.sizes().str());
  }
  dirty_ = tensors;
}

void AutogradContext::mark_non_differentiable(const std::vector<Tensor>& outputs) {
  for (const Tensor& t : outputs)
    EMBER_ENSURE(t.defined(), ValueError, "mark_non_differentiable: got an undefined tensor");
  non_differentiable_ = outputs;
}

namespace detail {
namespace {

// backward's result as one gradient per tensor input. It may return one per tensor input, or
// (libtorch's rule) one per forward argument, undefined for the non-tensor ones; extra
// undefined gradients at the end are dropped.
std::vector<Tensor> tensor_input_grads(std::vector<Tensor> grads, const std::vector<bool>& tensor_args,
                                       size_t tensor_count, const std::string& name) {
  auto drop_undefined_tail = [&](size_t keep) {
    while (grads.size() > keep && !grads.back().defined()) grads.pop_back();
  };
  if (grads.size() > tensor_args.size()) drop_undefined_tail(tensor_args.size());
  if (grads.size() == tensor_count) return grads;
  if (grads.size() == tensor_args.size()) {
    std::vector<Tensor> picked;
    for (size_t i = 0; i < grads.size(); ++i) {
      if (tensor_args[i]) {
        picked.push_back(std::move(grads[i]));
      } else {
        EMBER_ENSURE(!grads[i].defined(), AutogradError,
                     "custom Function {}: backward returned a defined gradient for argument {}, which is not a tensor",
                     name, i);
      }
    }
    return picked;
  }
  if (tensor_args.size() == tensor_count)
    EMBER_FAIL(AutogradError, "custom Function {}: backward returned {} gradients, expected {} (one per input)", name,
               grads.size(), tensor_count);
  EMBER_FAIL(AutogradError,
             "custom Function {}: backward returned {} gradients, expected {} (one per forward argument) or {} (one "
             "per tensor argument)",
             name, grads.size(), tensor_args.size(), tensor_count);
}

}  // namespace

Tensor CustomFunctionAccess::record(const std::string& name, std::shared_ptr<AutogradContext> ctx,
                                    const std::vector<Tensor>& inputs, std::vector<bool> tensor_args, Tensor output,
                                    Backward backward) {
  const std::vector<Tensor> dirty = std::move(ctx->dirty_);
  ctx->dirty_.clear();
  if (!dirty.empty()) {
    for (const Tensor& t : dirty) t.impl()->bump_version();
    ctx->save_for_backward(std::move(ctx->saved_));  // version the saved tensors after the bump
  }
  const std::vector<Tensor> non_differentiable = std::move(ctx->non_differentiable_);
  ctx->non_differentiable_.clear();
  for (const Tensor& t : non_differentiable)
    if (t.is_same(output)) return output.requires_grad() ? output.detach() : output;
  if (!needs_grad(inputs)) return output;
  // The forward's result may alias an input: give the output its own handle.
  Tensor out = output.detach();
  std::string node_name = name;
  ember::autograd::record(out, "CustomFunctionBackward", inputs, {},
                          [ctx, backward, node_name, n = inputs.size(), tensor_args = std::move(tensor_args)](
                              const Tensor& g, const std::vector<Tensor>&) {
                            return tensor_input_grads(backward(ctx.get(), {g}), tensor_args, n, node_name);
                          });
  // A modified input that forward returns takes the new history itself, as after an in-place
  // op, so every handle to it sees the change (the node's edge to its old history is recorded).
  for (const Tensor& t : dirty) {
    if (!t.is_same(output)) continue;
    // A saved output keeps its data and version but not its history: node -> ctx -> output ->
    // node would be a reference cycle (PyTorch saves outputs without their grad_fn for this).
    for (Tensor& saved : ctx->saved_)
      if (saved.is_same(output)) saved = output.detach();
    ensure_meta(t).grad_fn = meta_of(out)->grad_fn;
    return output;
  }
  return out;
}
}  // namespace detail

}  // namespace autograd
}  // namespace ember
