// The backward engine: dependency counting over the reachable graph, then one pass in
// topological order, all with explicit stacks (no recursion on graph depth, neither here nor
// when a graph is destroyed: see Node::~Node).
#include <algorithm>
#include <atomic>
#include <unordered_map>

#include "autograd/meta.h"
#include "autograd/nodes.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace autograd {

namespace {
// initial-exec: read on every recorded op; the general TLS model would cost a __tls_get_addr
// call each time from a shared library.
__attribute__((tls_model("initial-exec"))) thread_local bool t_grad_enabled = true;
__attribute__((tls_model("initial-exec"))) thread_local bool t_anomaly = false;

// Note [Iterative graph destruction]
// Destroying the last handle of a long chain would destroy node after node recursively (each
// node owns its next edges and its saved inputs, which own their grad_fn). Instead, a node's
// destructor hands the nodes it owned to a per-thread list that the outermost destructor drains.
__attribute__((tls_model("initial-exec"))) thread_local bool t_draining = false;
// 0: not made yet, 1: alive, 2: destroyed at thread exit (then nodes are freed directly).
__attribute__((tls_model("initial-exec"))) thread_local int t_pending_state = 0;
struct PendingNodes {
  std::vector<std::shared_ptr<Node>> nodes;
  PendingNodes() { t_pending_state = 1; }
  ~PendingNodes() { t_pending_state = 2; }
};
__attribute__((tls_model("initial-exec"))) thread_local PendingNodes t_pending_nodes;
std::vector<std::shared_ptr<Node>>* pending_nodes() { return t_pending_state == 2 ? nullptr : &t_pending_nodes.nodes; }
}  // namespace

bool GradMode::is_enabled() { return t_grad_enabled; }
void GradMode::set_enabled(bool enabled) { t_grad_enabled = enabled; }

DetectAnomalyGuard::DetectAnomalyGuard() : prev_(t_anomaly) { t_anomaly = true; }
DetectAnomalyGuard::~DetectAnomalyGuard() { t_anomaly = prev_; }
bool DetectAnomalyGuard::is_enabled() { return t_anomaly; }

void defer_release(std::shared_ptr<Node>&& node) {
  if (!node) return;
  if (auto* pending = pending_nodes()) {
    pending->push_back(std::move(node));
  } else {
    node.reset();
  }
}

void drain_released_nodes() {
  auto* pending = pending_nodes();
  if (t_draining || !pending) return;
  t_draining = true;
  while (!pending->empty()) {
    std::shared_ptr<Node> n = std::move(pending->back());
    pending->pop_back();
    n.reset();  // may run ~Node, which only defers (t_draining is set)
  }
  t_draining = false;
}

Node::~Node() {
  for (auto& e : next_edges_) defer_release(std::move(e.function));
  drain_released_nodes();
}

FormulaNode::~FormulaNode() {
  // Saved inputs own their grad_fn: hand those over too (see Note [Iterative graph destruction]).
  for (auto& s : saved_) {
    Tensor t = s.take();
    if (t.defined() && t.impl_ptr().use_count() == 1) {
      if (AutogradMeta* m = meta_of(t)) defer_release(std::move(m->grad_fn));
    }
  }
}

namespace {

struct RootGrad {
  Edge edge;
  Tensor grad;
};

}  // namespace

// Runs the graph from the roots. With `capture`, gradients arriving at the captured edges'
// nodes are returned instead of accumulated, and leaves' .grad are left alone. Per-node state
// lives in the nodes (pending_deps_, pending_grad_, visit_epoch_): no maps on this hot path.
struct Engine {
  static std::vector<Tensor> run(const std::vector<RootGrad>& roots, bool retain_graph, bool create_graph,
                                 const std::vector<Edge>* capture) {
    static std::atomic<uint64_t> next_epoch{1};
    const uint64_t epoch = next_epoch++;
    // 1. Dependencies: how many edges lead into each reachable node.
    std::vector<Node*> stack;
    auto visit = [&](Node* n) {
      if (state(n).visit_epoch_ == epoch) return false;
      state(n).visit_epoch_ = epoch;
      state(n).pending_deps_ = 0;
      state(n).capture_slot_ = -1;
      state(n).pending_grad_ = Tensor();
      stack.push_back(n);
      return true;
    };
    for (const auto& r : roots)
      if (r.edge.function) visit(r.edge.function.get());
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      for (const Edge& e : n->next_edges()) {
        if (!e.function) continue;
        visit(e.function.get());
        ++state(e.function.get()).pending_deps_;
      }
    }
    std::vector<Tensor> captured(capture ? capture->size() : 0);
    if (capture)
      for (size_t i = 0; i < capture->size(); ++i)
        if (Node* n = (*capture)[i].function.get(); n && state(n).visit_epoch_ == epoch)
          state(n).capture_slot_ = static_cast<int>(i);
    // With `capture`, only nodes with a captured node below them run (like PyTorch's exec_info):
    // the others neither compute gradients nor free their saved tensors.
    std::unordered_map<Node*, bool> needed;
    if (capture) {
      std::vector<std::pair<Node*, size_t>> dfs;  // post-order walk: (node, next edge to visit)
      for (const auto& r : roots)
        if (r.edge.function && needed.emplace(r.edge.function.get(), false).second)
          dfs.emplace_back(r.edge.function.get(), 0);
      while (!dfs.empty()) {
        auto& [n, i] = dfs.back();
        const auto& edges = n->next_edges();
        if (i < edges.size()) {
          Node* child = edges[i++].function.get();
          if (child && needed.emplace(child, false).second) dfs.emplace_back(child, 0);
          continue;
        }
        bool any = false;
        for (const Edge& e : edges)
          if (e.function && (state(e.function.get()).capture_slot_ >= 0 || needed[e.function.get()])) any = true;
        needed[n] = any;
        dfs.pop_back();
      }
    }

    // 2. One pass in topological order, summing the gradients that arrive at each node.
    auto add_grad = [&](Node* n, const Tensor& g) {
      if (capture && state(n).capture_slot_ < 0 && !needed[n]) return;  // no use for it
      state(n).pending_grad_ = state(n).pending_grad_.defined() ? state(n).pending_grad_ + g : g;
    };
    std::vector<Node*> ready;
    for (const auto& r : roots)
      if (r.edge.function) add_grad(r.edge.function.get(), r.grad);
    for (const auto& r : roots) {
      Node* n = r.edge.function.get();
      if (n && state(n).pending_deps_ == 0 && std::find(ready.begin(), ready.end(), n) == ready.end())
        ready.push_back(n);
    }

    NoGradGuard no_grad;
    GradMode::set_enabled(create_graph);
    while (!ready.empty()) {
      Node* n = ready.back();
      ready.pop_back();
      Tensor g = std::move(state(n).pending_grad_);
      state(n).pending_grad_ = Tensor();
      if (!g.defined()) {  // no gradient arrived: nothing to run, but release what depends on it
        for (const Edge& e : n->next_edges())
          if (e.function && --state(e.function.get()).pending_deps_ == 0) ready.push_back(e.function.get());
        continue;
      }
      for (auto& hook : n->pre_hooks) {
        Tensor r = hook(g);
        if (r.defined()) g = r;
      }
      if (state(n).capture_slot_ >= 0) captured[static_cast<size_t>(state(n).capture_slot_)] = g;
      // autograd::grad never writes .grad: AccumulateGrad has no next edges, so is never needed.
      const bool run = !capture || needed[n];
      std::vector<Tensor> grads;
      if (run) grads = n->apply(g);
      if (t_anomaly) {
        for (const Tensor& t : grads)
          EMBER_ENSURE(!t.defined() || !t.is_floating_point() || !isnan(t).any().item<bool>(), AutogradError,
                       "anomaly detected: function {} returned NaN values in its gradient", n->name());
      }
      const auto& edges = n->next_edges();
      for (size_t i = 0; i < edges.size(); ++i) {
        Node* next = edges[i].function.get();
        if (!next) continue;
        if (i < grads.size() && grads[i].defined()) add_grad(next, grads[i]);
        if (--state(next).pending_deps_ == 0) ready.push_back(next);
      }
      if (run && !retain_graph) n->release_saved();
    }
    return captured;
  }
};

namespace {

Tensor default_grad(const Tensor& root, const char* op) {
  EMBER_ENSURE(root.numel() == 1, AutogradError,
               "{}: grad can be implicitly created only for tensors with one element; this output has shape {}; pass "
               "a gradient",
               op, root.sizes().str());
  return ones_like(root);
}

std::vector<RootGrad> make_roots(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grads, const char* op) {
  EMBER_ENSURE(grads.empty() || grads.size() == outputs.size(), ValueError, "{}: got {} gradients for {} outputs", op,
               grads.size(), outputs.size());
  std::vector<RootGrad> roots;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& out = outputs[i];
    check_defined(out, op);
    EMBER_ENSURE(requires_grad(out), AutogradError,
                 "{}: element {} of the outputs does not require grad and has no grad_fn (did you call "
                 "requires_grad_() on the inputs, and compute outside NoGradGuard?)",
                 op, i);
    Tensor g = i < grads.size() && grads[i].defined() ? grads[i] : default_grad(out, op);
    EMBER_ENSURE(g.sizes() == out.sizes(), ShapeError, "{}: gradient of shape {} does not match output shape {}", op,
                 g.sizes().str(), out.sizes().str());
    roots.push_back({gradient_edge(out), g});
  }
  return roots;
}

}  // namespace

void backward(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots, bool retain_graph,
              bool create_graph) {
  auto r = make_roots(roots, grad_roots, "backward");
  Engine::run(r, retain_graph || create_graph, create_graph, nullptr);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, bool retain_graph, bool create_graph,
                         bool allow_unused) {
  EMBER_ENSURE(!outputs.empty(), AutogradError, "grad: requires non-empty outputs");
  EMBER_ENSURE(!inputs.empty(), AutogradError, "grad: requires non-empty inputs");
  auto r = make_roots(outputs, grad_outputs, "grad");
  std::vector<Edge> edges;
  for (size_t i = 0; i < inputs.size(); ++i) {
    check_defined(inputs[i], "grad");
    EMBER_ENSURE(requires_grad(inputs[i]), AutogradError, "grad: input {} does not require grad", i);
    edges.push_back(gradient_edge(inputs[i]));
  }
  std::vector<Tensor> result = Engine::run(r, retain_graph || create_graph, create_graph, &edges);
  for (size_t i = 0; i < result.size(); ++i)
    EMBER_ENSURE(result[i].defined() || allow_unused, AutogradError,
                 "grad: one of the differentiated tensors (input {}) appears to not have been used in the graph; "
                 "pass allow_unused=true if this is intended",
                 i);
  return result;
}

}  // namespace autograd
}  // namespace ember
