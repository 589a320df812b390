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

void Tensor::backward(const Tensor& gradient, bool retain_graph, bool create_graph) const {
  autograd::backward({*this}, gradient.defined() ? std::vector<Tensor>{gradient} : std::vector<Tensor>{}, retain_graph,
                     create_graph);
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

namespace detail {
Tensor CustomFunctionAccess::record(const std::string& name, std::shared_ptr<AutogradContext> ctx,
                                    const std::vector<Tensor>& inputs, Tensor output, Backward backward) {
  const std::vector<Tensor> dirty = std::move(ctx->dirty_);
  ctx->dirty_.clear();
  if (!dirty.empty()) {
    for (const Tensor& t : dirty) t.impl()->bump_version();
    ctx->save_for_backward(std::move(ctx->saved_));  // version the saved tensors after the bump
  }
  if (!needs_grad(inputs)) return output;
  // The forward's result may alias an input: give the output its own handle.
  Tensor out = output.detach();
  std::string node_name = name;
  ember::autograd::record(out, "CustomFunctionBackward", inputs, {},
                          [ctx, backward, node_name, n = inputs.size()](const Tensor& g, const std::vector<Tensor>&) {
                            std::vector<Tensor> grads = backward(ctx.get(), {g});
                            EMBER_ENSURE(grads.size() == n, AutogradError,
                                         "custom Function {}: backward returned {} gradients, expected {} (one per "
                                         "tensor input)",
                                         node_name, grads.size(), n);
                            return grads;
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
