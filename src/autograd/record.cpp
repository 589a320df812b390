// Recording: autograd metadata on tensors, saved variables with version checks, the generic
// formula node, leaf accumulators, and in-place ops on tensors that require grad.
#include <atomic>

#include "autograd/meta.h"
#include "autograd/nodes.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace autograd {

namespace {
std::atomic<uint64_t> g_next_sequence_nr{0};
std::atomic<uint64_t> g_nodes_created{0};
}  // namespace

Node::Node() : sequence_nr_(g_next_sequence_nr++) {}
detail::GraphNode::GraphNode() { g_nodes_created.fetch_add(1, std::memory_order_relaxed); }
uint64_t nodes_created() { return g_nodes_created.load(std::memory_order_relaxed); }

AutogradMeta* meta_of(const Tensor& t) { return t.defined() ? t.impl()->autograd.get() : nullptr; }

AutogradMeta& ensure_meta(const Tensor& t) {
  auto& slot = t.impl()->autograd;
  if (!slot) slot = std::make_shared<AutogradMeta>();
  return *slot;
}

bool requires_grad(const Tensor& t) {
  const AutogradMeta* m = meta_of(t);
  return m && (m->requires_grad || m->grad_fn);
}

// The grad mode is thread-local (slow to reach from a shared library), so it is read only
// after an input turned out to require grad: tensors outside autograd pay one null check.
bool needs_grad(std::initializer_list<const Tensor*> inputs) {
  for (const Tensor* t : inputs)
    if (requires_grad(*t)) return GradMode::is_enabled();
  return false;
}

bool needs_grad(const std::vector<Tensor>& inputs) {
  for (const Tensor& t : inputs)
    if (requires_grad(t)) return GradMode::is_enabled();
  return false;
}

Edge gradient_edge(const Tensor& t) {
  AutogradMeta* m = meta_of(t);
  if (!m) return {};
  if (m->grad_fn) return {m->grad_fn, 0};
  if (!m->requires_grad) return {};
  std::shared_ptr<Node> acc = m->accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t);
    m->accumulator = acc;
  }
  return {acc, 0};
}

// ---- SavedVariable
SavedVariable::SavedVariable(const Tensor& t, bool is_output) : defined_(t.defined()), is_output_(is_output) {
  if (!t.defined()) return;
  data_ = is_output ? t.detach() : t;
  version_ = t.impl()->storage->version;
}

Tensor SavedVariable::unpack(const std::string& node_name) const {
  if (!defined_) return Tensor();
  EMBER_ENSURE(data_.defined(), AutogradError,
               "{}: trying to backward through the graph a second time (or to use saved tensors after they have been "
               "freed). Saved intermediate values of the graph are freed when you call backward() or "
               "autograd::grad(); pass retain_graph=true the first time if you need to backward twice",
               node_name);
  uint64_t now = data_.impl()->storage->version;
  EMBER_ENSURE(now == version_, AutogradError,
               "one of the variables needed for gradient computation has been modified by an inplace operation: "
               "[{} {}] is at version {}; expected version {} instead (saved by {})",
               dtype_name(data_.dtype()), data_.sizes().str(), now, version_, node_name);
  if (is_output_ && GradMode::is_enabled()) {  // create_graph: y again as the node's output
    if (std::shared_ptr<Node> node = grad_fn_.lock()) {
      Tensor y = data_.detach();
      ensure_meta(y).grad_fn = std::move(node);
      return y;
    }
  }
  return data_;
}

// ---- FormulaNode
namespace {
// Whether `from` broadcasts to `to` (right-aligned, each dim equal or 1).
bool broadcasts_to(const Shape& from, const Shape& to) {
  if (from.size() > to.size()) return false;
  const size_t lead = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] != 1 && from[i] != to[lead + i]) return false;
  return true;
}
}  // namespace

FormulaNode::FormulaNode(const char* name, std::vector<SavedVariable> saved, Formula formula)
    : name_(name), saved_(std::move(saved)), formula_(std::move(formula)) {}

std::vector<Tensor> FormulaNode::apply(const Tensor& grad) {
  EMBER_ENSURE(!released_, AutogradError,
               "{}: trying to backward through the graph a second time (or to use saved tensors after they have been "
               "freed). Saved intermediate values of the graph are freed when you call backward() or "
               "autograd::grad(); pass retain_graph=true the first time if you need to backward twice",
               name_);
  std::vector<Tensor> saved;
  saved.reserve(saved_.size());
  for (const auto& s : saved_) saved.push_back(s.unpack(name_));
  std::vector<Tensor> grads = formula_(grad, saved);
  EMBER_INTERNAL_ASSERT(grads.size() == next_edges_.size());
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].defined() || !next_edges_[i].is_valid()) continue;
    // A gradient of the broadcast shape is summed back to its input's, as PyTorch's engine does.
    if (grads[i].sizes() != inputs_[i].shape && broadcasts_to(inputs_[i].shape, grads[i].sizes()))
      grads[i] = sum_to(grads[i], inputs_[i].shape);
    EMBER_ENSURE(grads[i].sizes() == inputs_[i].shape, AutogradError,
                 "{} returned an invalid gradient at index {}: got shape {} but expected {}", name_, i,
                 grads[i].sizes().str(), inputs_[i].shape.str());
    if (grads[i].dtype() != inputs_[i].dtype) grads[i] = grads[i].to(inputs_[i].dtype);
  }
  return grads;
}

void FormulaNode::release_saved() {
  for (auto& s : saved_) s.reset();
  released_ = true;
}

void record(Tensor& out, const char* name, const Tensor* inputs, size_t num_inputs, std::vector<Tensor> saved_inputs,
            Formula formula, std::vector<Tensor> saved_outputs) {
  std::vector<SavedVariable> saved;
  saved.reserve(saved_inputs.size() + saved_outputs.size());
  for (const Tensor& t : saved_inputs) saved.emplace_back(t, false);
  for (const Tensor& t : saved_outputs) saved.emplace_back(t, true);
  auto node = std::make_shared<FormulaNode>(name, std::move(saved), std::move(formula));
  node->set_inputs(inputs, num_inputs);
  if (!saved_outputs.empty()) node->link_saved_outputs(node);
  ensure_meta(out).grad_fn = std::move(node);
}

void FormulaNode::set_inputs(const Tensor* inputs, size_t n) {
  next_edges_.reserve(n);
  inputs_.reserve(n);
  for (const Tensor* it = inputs; it != inputs + n; ++it) {
    const Tensor& t = *it;
    next_edges_.push_back(t.defined() && requires_grad(t) ? gradient_edge(t) : Edge{});
    inputs_.push_back({t.defined() ? t.sizes() : Shape{}, t.defined() ? t.dtype() : kFloat32});
  }
}

// ---- AccumulateGrad
AccumulateGrad::AccumulateGrad(const Tensor& leaf) : leaf_(leaf) {}

std::vector<Tensor> AccumulateGrad::apply(const Tensor& incoming) {
  AutogradMeta& m = ensure_meta(leaf_);
  Tensor g = incoming;
  for (auto& hook : m.leaf_hooks) {
    Tensor r = hook(g);
    if (r.defined()) g = r;
  }
  if (!GradMode::is_enabled() && meta_of(g)) g = g.detach();
  if (!m.grad.defined()) {
    // Own the gradient: the incoming tensor may be shared with another leaf's or be a view.
    // When nothing else references it or its memory (the engine's handle and ours are the
    // only ones) it is taken as is, which saves a copy of every weight gradient per step.
    bool sole_owner =
        g.impl_ptr().use_count() <= 2 && g.impl()->storage.use_count() == 1 && g.is_contiguous() && !meta_of(g);
    m.grad = GradMode::is_enabled() || sole_owner ? g : g.clone();
  } else if (GradMode::is_enabled()) {
    m.grad = m.grad + g;  // create_graph: keep the sum differentiable
  } else {
    m.grad.add_(g);
  }
  return {};
}

// ---- Sum over broadcast dims
Tensor sum_to(const Tensor& grad, const Shape& shape) {
  if (grad.sizes() == shape) return grad;
  const int64_t lead = grad.dim() - static_cast<int64_t>(shape.size());
  DimList dims;
  for (int64_t i = 0; i < grad.dim(); ++i) {
    if (i < lead || (shape[i - lead] == 1 && grad.size(i) != 1)) dims.push_back(i);
  }
  Tensor r = dims.empty() ? grad : grad.sum(dims, true);
  return r.view(shape);
}

// ---- In-place ops
bool inplace_needs_grad(const Tensor& self, std::initializer_list<const Tensor*> others) {
  if (requires_grad(self)) return GradMode::is_enabled();
  for (const Tensor* t : others)
    if (requires_grad(*t)) return GradMode::is_enabled();
  return false;
}

Tensor& inplace(Tensor& self, const char* name, const std::function<Tensor(const Tensor&)>& op) {
  AutogradMeta* m = meta_of(self);
  EMBER_ENSURE(!(m && m->requires_grad && !m->grad_fn), AutogradError,
               "{}: a leaf tensor that requires grad is being used in an in-place operation; do it under "
               "NoGradGuard (as optimizers do), or on a clone()",
               name);
  EMBER_ENSURE(!(m && m->is_view), AutogradError,
               "{}: in-place operations on a view of a tensor that requires grad are not supported; clone() the view "
               "first, or write the result with an out-of-place op",
               name);
  // The op reads a snapshot of self (so self's saved versions stay valid), then self takes
  // the result's value and history.
  Tensor snapshot = self.clone();
  Tensor result = op(snapshot);
  {
    NoGradGuard no_grad;
    self.copy_(result);
  }
  AutogradMeta& sm = ensure_meta(self);
  AutogradMeta* rm = meta_of(result);
  sm.grad_fn = rm ? rm->grad_fn : nullptr;
  return self;
}

}  // namespace autograd
}  // namespace ember
