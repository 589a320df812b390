// The two node kinds of the graph: FormulaNode (an op's backward formula over saved
// variables) and AccumulateGrad (adds a leaf's gradient into its .grad).
#pragma once
#include <string>
#include <vector>

#include "meta.h"

namespace ember {
namespace autograd {

class FormulaNode final : public Node {
 public:
  FormulaNode(const char* name, std::vector<SavedVariable> saved, Formula formula);
  ~FormulaNode() override;
  std::string name() const override { return name_; }
  std::vector<Tensor> apply(const Tensor& grad) override;
  void release_saved() override;
  void set_inputs(const Tensor* inputs, size_t n);

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

class AccumulateGrad final : public Node {
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
