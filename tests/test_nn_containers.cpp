// ember::nn's holders and containers beyond what tests/compat checks against libtorch: the
// error messages (empty holders, AnyModule's argument checks, clone without Cloneable), module
// names, printing holders and containers, nested Sequentials, Functional with bound arguments,
// the PyTorch semantics where libtorch differs (ModuleList::insert's names, ModuleDict::pop),
// replace/unregister_module, to(Device, DType), and the options that change a layer's
// behaviour (BatchNorm1d without momentum, Dropout in place, Embedding's padding_idx).
#include <ember/autograd.h>
#include <ember/nn.h>

#include <sstream>
#include <string>
#include <vector>

#include "helpers.h"

using namespace ember;
using ember_test::expect_values;

namespace {

template <typename M>
std::string repr(const M& module) {
  std::ostringstream out;
  out << module;
  return out.str();
}

struct TwoLayerImpl : nn::Module {
  TwoLayerImpl() {
    first = register_module("first", nn::Linear(2, 3));
    second = register_module("second", nn::Linear(3, 1));
  }
  Tensor forward(const Tensor& x) { return second(first(x)); }
  nn::Linear first{nullptr}, second{nullptr};
};
EMBER_MODULE(TwoLayer);

// A Cloneable whose constructor, not reset(), registers a parameter: clone() must refuse it.
struct BadCloneImpl : nn::Cloneable<BadCloneImpl> {
  BadCloneImpl() { register_parameter("w", ones({1})); }
  void reset() override {}
};

TEST(ModuleHolder, ErrorsNameTheModule) {
  nn::Linear empty{nullptr};
  EXPECT_THROW_MSG(empty.ptr(), ValueError, "Accessing empty ModuleHolder<ember::nn::LinearImpl>");
  EXPECT_THROW_MSG(empty.get(), ValueError, "it was created with nullptr");
  TwoLayer net;
  EXPECT_THROW_MSG(net->clone(), Error,
                   "clone() has not been implemented for TwoLayer. Subclass nn::Cloneable<TwoLayer>");
  BadCloneImpl bad;
  EXPECT_THROW_MSG(bad.clone(), ValueError,
                   "The cloned module does not have the same number of parameters as the original module after "
                   "calling reset()");
}

TEST(ModuleHolder, NamesAndPrinting) {
  EXPECT_EQ(nn::Linear(2, 3)->name(), "Linear");
  EXPECT_EQ(TwoLayer()->name(), "TwoLayer");
  EXPECT_EQ(nn::Module("Custom").name(), "Custom");
  TwoLayer net;
  EXPECT_EQ(repr(net),
            "TwoLayer(\n"
            "  (first): Linear(in_features=2, out_features=3, bias=True)\n"
            "  (second): Linear(in_features=3, out_features=1, bias=True)\n"
            ")");
  EXPECT_EQ(repr(*net), repr(net));
  EXPECT_EQ(repr(nn::Functional(nn::F::relu)), "Functional()");
  EXPECT_EQ(repr(nn::Identity()), "Identity()");
  EXPECT_EQ(repr(nn::Sequential()), "Sequential()");
  // PyTorch prints a ParameterList's tensors, one per line.
  nn::ParameterList list(zeros({2, 3}), zeros({4}, kFloat64));
  EXPECT_EQ(repr(list),
            "ParameterList(\n"
            "  (0): Parameter containing: [float32 of size 2x3]\n"
            "  (1): Parameter containing: [float64 of size 4]\n"
            ")");
  EXPECT_EQ(repr(nn::Embedding(nn::EmbeddingOptions(10, 3).padding_idx(-1))), "Embedding(10, 3, padding_idx=9)");
  EXPECT_EQ(repr(nn::BatchNorm1d(nn::BatchNorm1dOptions(4).momentum(std::nullopt))),
            "BatchNorm1d(4, eps=1e-05, momentum=None, affine=True, track_running_stats=True)");
  EXPECT_EQ(repr(nn::Dropout(nn::DropoutOptions(0.2).inplace(true))), "Dropout(p=0.2, inplace=True)");
}

TEST(AnyModule, ArgumentErrorsNameCountsAndTypes) {
  nn::AnyModule any(nn::Linear(3, 2));
  Tensor x = ones({1, 3});
  EXPECT_THROW_MSG(any.forward(x, x), TypeError,
                   "Linear's forward() method expects 1 argument(s), but received 2. If Linear's forward() method "
                   "has default arguments, please make sure the forward() method is declared with a corresponding "
                   "`FORWARD_HAS_DEFAULT_ARGS` macro.");
  EXPECT_THROW_MSG(any.forward(1.5), TypeError,
                   "Expected argument #0 to be of type ember::Tensor, but received value of type double");
  EXPECT_THROW_MSG(any.get<nn::ReLUImpl>(), ValueError,
                   "Attempted to cast module of type ember::nn::LinearImpl to type ember::nn::ReLUImpl");
  EXPECT_THROW_MSG(any.forward<int>(x), TypeError,
                   "Attempted to cast AnyValue to int, but its actual type is ember::Tensor");
  EXPECT_THROW_MSG(nn::AnyModule().ptr(), ValueError, "Cannot call ptr() on an empty AnyModule");
  nn::Sequential seq(nn::Linear(3, 2));
  EXPECT_THROW_MSG(seq->forward<double>(x), TypeError,
                   "Sequential: forward() was asked for a double, but its last module returned a ember::Tensor");
  EXPECT_THROW_MSG(seq->ptr(3), IndexError, "Sequential: index 3 is out of range for 1 modules");
}

TEST(Sequential, NestedFunctionalAndClone) {
  manual_seed(4);
  nn::Sequential inner(nn::Linear(4, 4), nn::Functional(ember::softmax, 1));
  nn::Sequential outer(nn::Linear(3, 4), inner, nn::Functional(ember::neg));
  Tensor x = randn({2, 3});
  Tensor expected = -inner->forward(outer->ptr<nn::LinearImpl>(0)->forward(x));
  EXPECT_TRUE(allclose(outer->forward(x), expected));
  expect_values(inner->forward(randn({5, 4})).sum(1), std::vector<double>(5, 1.0), 1e-6);
  EXPECT_EQ(outer->named_parameters().keys(),
            (std::vector<std::string>{"0.weight", "0.bias", "1.0.weight", "1.0.bias"}));
  EXPECT_EQ(repr(outer),
            "Sequential(\n"
            "  (0): Linear(in_features=3, out_features=4, bias=True)\n"
            "  (1): Sequential(\n"
            "    (0): Linear(in_features=4, out_features=4, bias=True)\n"
            "    (1): Functional()\n"
            "  )\n"
            "  (2): Functional()\n"
            ")");
  // A clone computes the same, owns its tensors, and keeps the names and the mode.
  nn::Sequential named({{"fc", nn::Linear(3, 3)}, {"act", nn::Tanh()}});
  named->eval();
  auto copy = std::dynamic_pointer_cast<nn::SequentialImpl>(named->clone());
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->named_children().keys(), (std::vector<std::string>{"fc", "act"}));
  EXPECT_FALSE(copy->is_training());
  EXPECT_TRUE(allclose(copy->forward(x), named->forward(x)));
  EXPECT_FALSE(copy->named_parameters()["fc.weight"].is_same(named->named_parameters()["fc.weight"]));
}

TEST(ModuleList, InsertRenamesLikePyTorch) {
  // PyTorch's ModuleList.insert shifts the names after the index (libtorch 1.13 leaves them).
  nn::ModuleList list(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2));
  list->insert(0, nn::Tanh());
  EXPECT_EQ(list->named_parameters().keys(), (std::vector<std::string>{"1.weight", "1.bias", "3.weight", "3.bias"}));
  EXPECT_EQ(list->named_children().keys(), (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_THROW_MSG(list->insert(9, nn::ReLU()), IndexError, "ModuleList::insert: index 9 is out of range for 4");
  EXPECT_EQ(list->ptr<nn::LinearImpl>(0), nullptr);
  EXPECT_THROW_MSG(list->at<nn::LinearImpl>(0), TypeError,
                   "ModuleList: requested a module of type ember::nn::LinearImpl, but it is of type "
                   "ember::nn::TanhImpl");
}

TEST(ModuleDict, PopUnregistersAndUpdateReplaces) {
  // As in PyTorch, a popped module leaves named_parameters (libtorch 1.13 keeps it registered).
  nn::ModuleDict dict(std::vector<std::pair<std::string, std::shared_ptr<nn::Module>>>{
      {"a", std::make_shared<nn::LinearImpl>(2, 2)}, {"b", std::make_shared<nn::ReLUImpl>()}});
  dict->pop("a");
  EXPECT_TRUE(dict->named_parameters().is_empty());
  EXPECT_EQ(dict->named_children().keys(), std::vector<std::string>{"b"});
  EXPECT_THROW_MSG(dict->pop("a"), ValueError, "Module 'a' is not defined");
  // A wrong type is an error (libtorch 1.13 dereferences a null pointer) or, from ptr<T>, null.
  EXPECT_THROW_MSG(
      dict->at<nn::LinearImpl>("b"), TypeError,
      "ModuleDict: requested a module of type ember::nn::LinearImpl, but it is of type ember::nn::ReLUImpl");
  EXPECT_EQ(dict->ptr<nn::LinearImpl>("b"), nullptr);
  // update() with an existing key replaces the module in its place.
  dict->update(std::vector<std::pair<std::string, std::shared_ptr<nn::Module>>>{
      {"c", std::make_shared<nn::TanhImpl>()}, {"b", std::make_shared<nn::LinearImpl>(1, 1)}});
  EXPECT_EQ(dict->keys(), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(dict->named_parameters().keys(), (std::vector<std::string>{"b.weight", "b.bias"}));
}

TEST(Module, ReplaceUnregisterAndNamedModules) {
  TwoLayer net;
  auto wider = net->replace_module("second", nn::Linear(3, 5));
  EXPECT_EQ(net->named_children()["second"].get(), wider.get());
  EXPECT_EQ(net->named_children().keys(), (std::vector<std::string>{"first", "second"}));
  EXPECT_THROW_MSG(net->replace_module("third", nn::ReLU()), ValueError, "there is no submodule 'third'");
  net->unregister_module("first");
  EXPECT_EQ(net->named_parameters().keys(), (std::vector<std::string>{"second.weight", "second.bias"}));
  EXPECT_THROW_MSG(net->unregister_module("first"), ValueError, "No Module with name `first` is registered");
  EXPECT_EQ(net->named_modules("model").keys(), (std::vector<std::string>{"model", "model.second"}));
  EXPECT_EQ(net->named_modules("", /*include_self=*/false).keys(), std::vector<std::string>{"second"});
  // A module on the stack lists itself too.
  TwoLayerImpl local;
  ASSERT_EQ(local.modules().size(), 3u);
  EXPECT_EQ(local.modules()[0].get(), &local);
}

TEST(Module, RegisterParameterKeepsTheTensor) {
  nn::Module m;
  Tensor w = ones({2});
  m.register_parameter("w", w);
  EXPECT_TRUE(w.requires_grad());  // libtorch: the caller's tensor is the parameter
  Tensor frozen = ones({2}).requires_grad_();
  m.register_parameter("frozen", frozen, /*requires_grad=*/false);
  EXPECT_FALSE(frozen.requires_grad());
  Tensor computed = w * 2;
  Tensor& leaf = m.register_parameter("computed", computed);
  EXPECT_TRUE(leaf.is_leaf());
  EXPECT_TRUE(leaf.is_alias_of(computed));
}

TEST(Module, ToDeviceAndDTypeTogether) {
  nn::Linear fc(2, 2);
  Tensor w = fc->weight;
  fc->to(Device(kCPU), kFloat64);
  EXPECT_EQ(w.dtype(), kFloat64);
  EXPECT_TRUE(w.is_same(fc->weight));
  EXPECT_THROW_MSG(fc->to(Device(kCPU), kInt64), TypeError, "Linear.to: expected a floating dtype, got int64");
}

TEST(Layers, BatchNormWithoutMomentumAveragesEveryBatch) {
  // momentum=None: running statistics are the cumulative average of the batch statistics.
  nn::BatchNorm1d bn(nn::BatchNorm1dOptions(2).momentum(std::nullopt));
  Tensor a = tensor({{1.0, 2.0}, {3.0, 6.0}}).to(kFloat32), b = tensor({{5.0, 0.0}, {7.0, 0.0}}).to(kFloat32);
  bn(a);
  bn(b);
  expect_values(bn->running_mean, {(2.0 + 6.0) / 2, (4.0 + 0.0) / 2}, 1e-6);
  expect_values(bn->running_var, {(2.0 + 2.0) / 2, (8.0 + 0.0) / 2}, 1e-6);
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 2);
  nn::BatchNorm1d reset_me(2);
  reset_me(a);
  reset_me->reset_running_stats();
  expect_values(reset_me->running_mean, {0, 0});
  EXPECT_EQ(reset_me->num_batches_tracked.item<int64_t>(), 0);
}

TEST(Layers, DropoutInPlaceWritesTheInput) {
  manual_seed(5);
  nn::Dropout drop(nn::DropoutOptions(0.5).inplace(true));
  Tensor x = ones({100});
  Tensor y = drop(x);
  EXPECT_TRUE(y.is_same(x));
  double zeros = (x == 0).sum().item<double>();
  EXPECT_GT(zeros, 20);
  EXPECT_LT(zeros, 80);
  // Gradients flow as for out-of-place dropout: 2 where kept, 0 where dropped.
  Tensor leaf = ones({50}).requires_grad_();
  Tensor h = leaf * 1.0;
  drop(h).sum().backward();
  Tensor kept = h.detach() != 0;
  EXPECT_TRUE(equal(leaf.grad(), kept.to(kFloat32) * 2));
  drop->eval();
  Tensor z = ones({4});
  EXPECT_TRUE(equal(drop(z), ones({4})));
}

TEST(Layers, EmbeddingPaddingIdx) {
  // torch.nn.Embedding(4, 2, padding_idx=1): row 1 starts at zero and never gets a gradient.
  nn::Embedding emb(nn::EmbeddingOptions(4, 2).padding_idx(1));
  expect_values(emb->weight[1], {0, 0});
  Tensor idx = from_vector<int64_t>({1, 0, 1, 3, 0}, {5});
  Tensor out = emb(idx);
  expect_values(out[0], {0, 0});
  out.sum().backward();
  expect_values(emb->weight.grad(), {2, 2, 0, 0, 0, 0, 1, 1});
  EXPECT_THROW_MSG(nn::Embedding(nn::EmbeddingOptions(4, 2).padding_idx(4)), IndexError,
                   "Embedding: padding_idx 4 must be within num_embeddings (4)");
}

TEST(Layers, IdentityAndOptionsAccessors) {
  nn::Identity id;
  Tensor x = randn({3});
  EXPECT_TRUE(id(x).is_same(x));
  nn::Linear fc(nn::LinearOptions(3, 4).bias(false));
  EXPECT_FALSE(fc->bias.defined());
  EXPECT_EQ(fc->named_parameters().keys(), std::vector<std::string>{"weight"});
  EXPECT_EQ(fc->options.out_features(), 4);
  nn::LayerNorm ln(nn::LayerNormOptions({2, 3}).elementwise_affine(false));
  EXPECT_TRUE(ln->parameters().empty());
  EXPECT_EQ(ln->options.normalized_shape(), (std::vector<int64_t>{2, 3}));
}

}  // namespace
