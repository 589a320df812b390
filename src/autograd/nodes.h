// The node kinds of the graph: GraphNode (what every node is: a Node plus the engine's
// per-node state), FormulaNode (an op's backward formula over saved variables) and
// AccumulateGrad (adds a leaf's gradient into its .grad).
#pragma once
#include <string>
#include <vector>

#include "autograd/meta.h"

namespace ember {
namespace autograd {

namespace detail {
class GraphNode : public Node {
 protected:
  GraphNode();

 private:
  // Scratch state of the backward pass that is running (one at a time per graph), kept here
  // so that the engine needs no maps on its hot path.
  uint64_t visit_epoch_ = 0;
  int pending_deps_ = 0;
  int capture_slot_ = -1;
  Tensor pending_grad_;
  friend struct ember::autograd::Engine;
};
}  // namespace detail

// The engine's view of a node (every Node is a GraphNode: Node's constructor is private).
inline detail::GraphNode& state(Node* n) { return *static_cast<detail::GraphNode*>(n); }

// Nodes constructed so far in this process (a debug counter for tests: that an op records
// exactly the nodes it should).
uint64_t nodes_created();

class FormulaNode final : public detail::GraphNode {
 public:
  FormulaNode(const char* name, std::vector<SavedVariable> saved, Formula formula);
  ~FormulaNode() override;
  std::string name() const override { return name_; }
  std::vector<Tensor> apply(const Tensor& grad) override;
  void release_saved() override;
  void set_inputs(const Tensor* inputs, size_t n);
  // Gives the saved outputs their weak link to this node (self).
  void link_saved_outputs(const std::shared_ptr<Node>& self) {
    for (auto& s : saved_)
      if (s.is_output()) s.set_grad_fn(self);
  }

 private:
  std::string name_;
  std::vector<SavedVariable> saved_;
  Formula formula_;
  struct InputInfo {
    Shape shape;
    DType dtype;
  };
  std::vector<InputInfo> inputs_;  // what each gradient must look like
  bool released_ = false;
};

class AccumulateGrad final : public detail::GraphNode {
 public:
  explicit AccumulateGrad(const Tensor& leaf);
  std::string name() const override { return "AccumulateGrad"; }
  std::vector<Tensor> apply(const Tensor& grad) override;
  const Tensor& leaf() const { return leaf_; }

 private:
  Tensor leaf_;
};

}  // namespace autograd
}  // namespace ember
