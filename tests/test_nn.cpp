// ember::nn: Module (registration, dotted names, traversal, train/eval, in-place to(), zero_grad,
// state dicts, safetensors save/load, the PyTorch repr), the layers against libtorch 1.13
// (values and gradients), Dropout's statistics, float64 finite-difference checks of the layer
// functions, nn::init, and a short end-to-end training run. The losses are in test_losses.cpp.
//
// Reference values come from a libtorch program (kept out of the repository) that prints each
// output and, through autograd::grad, the gradients of sum(output * probe) (probe: see below)
// with respect to the inputs and parameters. The libtorch call is named beside each table.
#include <ember/autograd.h>
#include <ember/io.h>
#include <ember/nn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "helpers.h"

using namespace ember;
using ember_test::expect_values;
using ember_test::probe;

namespace {

// Checks out against values, then the gradients of sum(out * probe) with respect to inputs.
void expect_forward_backward(const Tensor& out, const std::vector<double>& values, const std::vector<Tensor>& inputs,
                             const std::vector<std::vector<double>>& grads, double tol = 1e-10) {
  expect_values(out, values, tol);
  Tensor s = (out * probe(out.sizes(), out.device())).sum();
  auto g = autograd::grad({s}, inputs, {}, false, false, /*allow_unused=*/true);
  ASSERT_EQ(g.size(), grads.size());
  for (size_t i = 0; i < g.size(); ++i) {
    SCOPED_TRACE("gradient of input " + std::to_string(i));
    ASSERT_TRUE(g[i].defined());
    expect_values(g[i], grads[i], tol);
  }
}

// Copies values into a module's tensor under no-grad, the way a user loads weights.
void assign(const Tensor& dst, const Tensor& src) {
  NoGradGuard no_grad;
  Tensor(dst).copy_(src);
}

template <typename ModuleOrHolder>
std::string repr(const ModuleOrHolder& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

// A model with its own parameter and buffer beside submodules.
struct Net : nn::Module {
  Net() : Module("Net") {
    fc1 = register_module("fc1", std::make_shared<nn::LinearImpl>(4, 3));
    bn = register_module("bn", std::make_shared<nn::BatchNorm1dImpl>(3));
    head = register_module("head", std::make_shared<nn::SequentialImpl>(std::make_shared<nn::ReLUImpl>(),
                                                                        std::make_shared<nn::LinearImpl>(3, 2)));
    scale = register_parameter("scale", ones({1}));
    steps = register_buffer("steps", zeros({}, kInt64));
  }
  Tensor forward(const Tensor& x) { return head->forward(bn->forward(fc1->forward(x))) * scale; }

  std::shared_ptr<nn::LinearImpl> fc1;
  std::shared_ptr<nn::BatchNorm1dImpl> bn;
  std::shared_ptr<nn::SequentialImpl> head;
  Tensor scale, steps;
};

std::vector<std::string> names(const OrderedDict<std::string, Tensor>& named) { return named.keys(); }

// ===================================================================================== Module

TEST(Module, RegisterParameterBufferModule) {
  nn::Module m("Custom");
  EXPECT_EQ(m.name(), "Custom");
  Tensor w = full({2, 3}, 0.5);
  Tensor& p = m.register_parameter("w", w);
  EXPECT_TRUE(p.requires_grad());
  EXPECT_TRUE(p.is_leaf());
  EXPECT_TRUE(p.is_same(w));  // the tensor itself is the parameter, as in libtorch
  Tensor& frozen = m.register_parameter("frozen", zeros({2}), /*requires_grad=*/false);
  EXPECT_FALSE(frozen.requires_grad());
  Tensor& b = m.register_buffer("count", zeros({}, kInt64));
  EXPECT_FALSE(b.requires_grad());
  auto child = m.register_module("child", std::make_shared<nn::LinearImpl>(3, 2));
  EXPECT_EQ(child->options.in_features(), 3);

  EXPECT_EQ(names(m.named_parameters()), (std::vector<std::string>{"w", "frozen", "child.weight", "child.bias"}));
  EXPECT_EQ(names(m.named_parameters(/*recurse=*/false)), (std::vector<std::string>{"w", "frozen"}));
  EXPECT_EQ(names(m.named_buffers()), std::vector<std::string>{"count"});
  EXPECT_EQ(m.parameters().size(), 4u);
  EXPECT_EQ(m.buffers().size(), 1u);
  EXPECT_TRUE(m.named_parameters()["child.bias"].is_same(child->bias));
  EXPECT_TRUE(m.named_parameters().contains("w"));
  EXPECT_FALSE(m.named_parameters().contains("child"));
  EXPECT_THROW_MSG(m.named_parameters()["nope"], ValueError, "Key 'nope' is not defined");

  // A parameter made from a computed tensor becomes a leaf.
  Tensor x = ones({2}).requires_grad_();
  Tensor& leaf = m.register_parameter("from_graph", x * 2);
  EXPECT_TRUE(leaf.is_leaf());
  EXPECT_EQ(leaf.grad_fn(), nullptr);
}

TEST(Module, RejectsBadAndDuplicateNames) {
  nn::Module m("Custom");
  m.register_parameter("weight", zeros({2}));
  m.register_buffer("stat", zeros({2}));
  m.register_module("sub", std::make_shared<nn::ReLUImpl>());
  EXPECT_THROW_MSG(m.register_parameter("weight", zeros({2})), ValueError,
                   "Custom.register_parameter: 'weight' is already registered");
  EXPECT_THROW_MSG(m.register_buffer("weight", zeros({2})), ValueError,
                   "Custom.register_buffer: 'weight' is already registered");
  EXPECT_THROW_MSG(m.register_parameter("stat", zeros({2})), ValueError, "'stat' is already registered");
  EXPECT_THROW_MSG(m.register_module("sub", std::make_shared<nn::TanhImpl>()), ValueError,
                   "Custom.register_module: 'sub' is already registered");
  EXPECT_THROW_MSG(m.register_parameter("sub", zeros({2})), ValueError, "'sub' is already registered");
  EXPECT_THROW_MSG(m.register_parameter("a.b", zeros({2})), ValueError,
                   "Custom.register_parameter: name 'a.b' must be non-empty and contain no '.'");
  EXPECT_THROW_MSG(m.register_buffer("", zeros({2})), ValueError, "name '' must be non-empty and contain no '.'");
  EXPECT_THROW_MSG(m.register_module("x.y", std::make_shared<nn::TanhImpl>()), ValueError,
                   "Custom.register_module: name 'x.y' must be non-empty");
  EXPECT_THROW_MSG(m.register_module("null", std::shared_ptr<nn::LinearImpl>()), ValueError, "'null' is a null module");
  // Nothing was added by the failed calls.
  EXPECT_EQ(names(m.named_parameters()), std::vector<std::string>{"weight"});
  // An undefined parameter (libtorch's Linear without a bias) is registered but listed nowhere.
  EXPECT_FALSE(m.register_parameter("none", Tensor(), /*requires_grad=*/false).defined());
  EXPECT_EQ(names(m.named_parameters()), std::vector<std::string>{"weight"});
  EXPECT_THROW_MSG(m.register_parameter("none", zeros({1})), ValueError, "'none' is already registered");
  EXPECT_EQ(m.children().size(), 1u);
}

TEST(Module, DottedNamesForNestedModules) {
  auto seq = std::make_shared<nn::SequentialImpl>(
      std::make_shared<nn::LinearImpl>(4, 3), std::make_shared<nn::ReLUImpl>(), std::make_shared<nn::LinearImpl>(3, 2));
  EXPECT_EQ(names(seq->named_parameters()), (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));

  // Own tensors first, then each child's in registration order, recursively (PyTorch's order).
  Net net;
  EXPECT_EQ(names(net.named_parameters()), (std::vector<std::string>{"scale", "fc1.weight", "fc1.bias", "bn.weight",
                                                                     "bn.bias", "head.1.weight", "head.1.bias"}));
  EXPECT_EQ(names(net.named_buffers()),
            (std::vector<std::string>{"steps", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"}));
  EXPECT_EQ(names(net.named_parameters(false)), std::vector<std::string>{"scale"});
  EXPECT_TRUE(net.named_parameters()["head.1.weight"].is_same(
      std::static_pointer_cast<nn::LinearImpl>((*net.head)[1])->weight));
}

TEST(Module, ChildrenAndModules) {
  auto inner =
      std::make_shared<nn::SequentialImpl>(std::make_shared<nn::TanhImpl>(), std::make_shared<nn::SigmoidImpl>());
  auto last = std::make_shared<nn::ReLUImpl>();
  auto outer = std::make_shared<nn::SequentialImpl>(std::make_shared<nn::LinearImpl>(2, 2), inner, last);
  auto children = outer->children();
  ASSERT_EQ(children.size(), 3u);
  EXPECT_EQ(children[1], inner);
  auto named = outer->named_children();
  ASSERT_EQ(named.size(), 3u);
  EXPECT_EQ(named[2].first, "2");
  EXPECT_EQ(named[2].second, last);
  // modules(): this one first, then depth first in registration order (PyTorch's modules()).
  std::vector<std::string> order;
  for (const auto& m : outer->modules()) order.push_back(m->name());
  EXPECT_EQ(order, (std::vector<std::string>{"Sequential", "Linear", "Sequential", "Tanh", "Sigmoid", "ReLU"}));
  EXPECT_EQ(outer->modules()[0], outer);
}

TEST(Module, SharedModulesAndParametersAppearOnce) {
  // A submodule registered twice (weight tying) is one module with one set of parameters, as in
  // PyTorch, so an optimizer does not step it twice; state_dict keeps both names.
  auto shared = std::make_shared<nn::LinearImpl>(3, 3);
  auto seq = std::make_shared<nn::SequentialImpl>(shared, std::make_shared<nn::TanhImpl>(), shared);
  EXPECT_EQ(names(seq->named_parameters()), (std::vector<std::string>{"0.weight", "0.bias"}));
  EXPECT_EQ(seq->parameters().size(), 2u);
  EXPECT_EQ(seq->modules().size(), 3u);
  auto sd = seq->state_dict();
  EXPECT_EQ(sd.size(), 4u);
  EXPECT_TRUE(sd.count("2.weight"));
  // to() converts the shared tensors once and keeps them shared.
  seq->to(kFloat64);
  EXPECT_EQ(shared->weight.dtype(), kFloat64);
  EXPECT_TRUE(std::static_pointer_cast<nn::LinearImpl>((*seq)[2])->weight.is_same(shared->weight));
}

TEST(Module, TrainEvalPropagates) {
  Net net;
  auto drop = std::make_shared<nn::DropoutImpl>(0.5);
  net.head->push_back(drop);
  EXPECT_TRUE(net.is_training());
  net.eval();
  for (const auto& m : net.modules()) EXPECT_FALSE(m->is_training()) << m->name();
  net.train();
  for (const auto& m : net.modules()) EXPECT_TRUE(m->is_training()) << m->name();
  net.train(false);
  EXPECT_FALSE(drop->is_training());
  // A child switched alone does not change its parent.
  drop->train();
  EXPECT_FALSE(net.is_training());
  EXPECT_TRUE(drop->is_training());
}

TEST(Module, SequentialPushBackAndIndex) {
  nn::Module plain;
  EXPECT_EQ(plain.name(), "Module");
  auto seq = std::make_shared<nn::SequentialImpl>();
  EXPECT_TRUE(equal(seq->forward(ones({2})), ones({2})));  // an empty Sequential is the identity
  EXPECT_THROW_MSG((*seq)[0], IndexError, "Sequential: index 0 is out of range for 0 modules");
  seq->push_back(std::make_shared<nn::ReLUImpl>());
  seq->push_back("last", std::make_shared<nn::TanhImpl>());
  EXPECT_EQ(seq->size(), 2u);
  EXPECT_EQ(seq->named_children()[1].key(), "last");
  EXPECT_EQ((*seq)[1]->name(), "Tanh");
  expect_values(seq->forward(tensor({-1.0, 0.5})), {0.0, std::tanh(0.5)});
}

TEST(Module, ParametersShareStorage) {
  auto lin = std::make_shared<nn::LinearImpl>(2, 2);
  auto params = lin->parameters();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_TRUE(params[0].is_same(lin->weight));
  {
    NoGradGuard no_grad;
    params[0].copy_(tensor({{1.f, 2.f}, {3.f, 4.f}}));
    params[1].copy_(tensor({0.5f, -0.5f}));
  }
  expect_values(lin->weight, {1, 2, 3, 4});
  expect_values(lin->forward(tensor({1.f, 1.f})), {3.5, 6.5});
  EXPECT_TRUE(params[0].requires_grad());
  EXPECT_TRUE(params[0].is_leaf());
}

TEST(Module, ToDTypeConvertsInPlace) {
  Net net;
  Tensor w = net.parameters()[1];  // fc1.weight, held the way an optimizer holds it
  Tensor before = w.detach().clone();
  // A gradient converts along with its parameter.
  net.forward(randn({4, 4})).sum().backward();
  ASSERT_TRUE(w.grad().defined());
  net.to(kFloat64);
  EXPECT_EQ(w.dtype(), kFloat64);
  EXPECT_TRUE(w.requires_grad());
  EXPECT_TRUE(w.is_leaf());
  EXPECT_TRUE(w.is_same(net.fc1->weight));
  EXPECT_EQ(w.grad().dtype(), kFloat64);
  expect_values(w, before.to_vector<double>(), 1e-7);
  EXPECT_EQ(net.bn->running_var.dtype(), kFloat64);
  EXPECT_EQ(net.bn->num_batches_tracked.dtype(), kInt64);  // integer buffers stay as they are
  EXPECT_EQ(net.steps.dtype(), kInt64);
  // The converted module trains: gradients reach the old handle in float64.
  net.zero_grad();
  net.forward(randn({4, 4}, kFloat64)).sum().backward();
  ASSERT_TRUE(w.grad().defined());
  EXPECT_EQ(w.grad().dtype(), kFloat64);
  net.to(kFloat32);
  EXPECT_EQ(w.dtype(), kFloat32);
  EXPECT_THROW_MSG(net.to(kInt32), TypeError, "Net.to: expected a floating dtype, got int32");
  net.to(Device(kCPU));  // already there: a no-op
  EXPECT_TRUE(w.is_same(net.fc1->weight));
}

TEST(Module, ZeroGrad) {
  auto lin = std::make_shared<nn::LinearImpl>(3, 2);
  lin->forward(ones({4, 3})).sum().backward();
  ASSERT_TRUE(lin->weight.grad().defined());
  lin->zero_grad(/*set_to_none=*/false);
  ASSERT_TRUE(lin->weight.grad().defined());
  expect_values(lin->weight.grad(), std::vector<double>(6, 0.0));
  expect_values(lin->bias.grad(), {0, 0});
  lin->forward(ones({4, 3})).sum().backward();
  expect_values(lin->bias.grad(), {4, 4});
  lin->zero_grad();  // zeroes by default (libtorch 1.13)
  expect_values(lin->bias.grad(), {0, 0});
  lin->zero_grad(/*set_to_none=*/true);
  EXPECT_FALSE(lin->weight.grad().defined());
  EXPECT_FALSE(lin->bias.grad().defined());
  lin->zero_grad(true);  // nothing to clear
  EXPECT_FALSE(lin->weight.grad().defined());
}

// ============================================================================ state dicts

TEST(StateDict, RoundTrip) {
  manual_seed(1);
  Net a, b;
  a.forward(randn({5, 4}));  // moves a's BatchNorm running statistics
  auto sd = a.state_dict();
  std::vector<std::string> keys;
  for (const auto& item : sd) keys.push_back(item.first);
  EXPECT_EQ(keys, (std::vector<std::string>{"bn.bias", "bn.num_batches_tracked", "bn.running_mean", "bn.running_var",
                                            "bn.weight", "fc1.bias", "fc1.weight", "head.1.bias", "head.1.weight",
                                            "scale", "steps"}));
  // Detached, sharing storage with the module.
  EXPECT_FALSE(sd["fc1.weight"].requires_grad());
  EXPECT_TRUE(sd["fc1.weight"].is_alias_of(a.fc1->weight));

  Tensor w = b.fc1->weight;
  b.load_state_dict(sd);
  for (const auto& [name, t] : a.state_dict()) EXPECT_TRUE(equal(b.state_dict()[name], t)) << name;
  EXPECT_EQ(b.bn->num_batches_tracked.item<int64_t>(), 1);
  // Loaded in place: old handles see the values and still require grad.
  EXPECT_TRUE(w.is_same(b.fc1->weight));
  EXPECT_TRUE(w.requires_grad());
  EXPECT_TRUE(w.is_leaf());
  b.eval();
  a.eval();
  Tensor x = randn({3, 4});
  EXPECT_TRUE(allclose(b.forward(x), a.forward(x)));
}

TEST(StateDict, ConvertsDTypeOnLoad) {
  auto a = std::make_shared<nn::LinearImpl>(2, 2);
  auto b = std::make_shared<nn::LinearImpl>(2, 2);
  std::map<std::string, Tensor> sd = {{"weight", tensor({{1.0, 2.0}, {3.0, 4.0}})}, {"bias", tensor({0.5, 1.5})}};
  b->load_state_dict(sd);
  EXPECT_EQ(b->weight.dtype(), kFloat32);
  expect_values(b->weight, {1, 2, 3, 4});
  expect_values(b->bias, {0.5, 1.5});
}

TEST(StateDict, StrictErrorsNameTheKeys) {
  Net net;
  auto sd = net.state_dict();
  Tensor before = net.fc1->bias.detach().clone();

  auto missing = sd;
  missing.erase("fc1.bias");
  missing.erase("bn.running_var");
  EXPECT_THROW_MSG(net.load_state_dict(missing), ValueError,
                   "Net.load_state_dict: missing keys [fc1.bias, bn.running_var], unexpected keys []");

  auto extra = sd;
  extra["fc2.weight"] = zeros({2});
  EXPECT_THROW_MSG(net.load_state_dict(extra), ValueError, "missing keys [], unexpected keys [fc2.weight]");

  auto wrong_shape = sd;
  wrong_shape["fc1.weight"] = zeros({3, 5});
  wrong_shape["fc1.bias"] = full({3}, 7.0);
  EXPECT_THROW_MSG(net.load_state_dict(wrong_shape), ShapeError,
                   "Net.load_state_dict: size mismatch for 'fc1.weight': copying a tensor of shape [3, 5] into one "
                   "of shape [3, 4]");
  // ...also when not strict, and nothing was copied before the check failed.
  EXPECT_THROW_MSG(net.load_state_dict(wrong_shape, /*strict=*/false), ShapeError, "size mismatch for 'fc1.weight'");
  EXPECT_TRUE(equal(net.fc1->bias, before));
}

TEST(StateDict, NonStrictIgnoresExtraAndMissing) {
  Net net;
  std::map<std::string, Tensor> partial = {{"fc1.bias", full({3}, 2.0)}, {"unrelated", zeros({7})}};
  Tensor weight_before = net.fc1->weight.detach().clone();
  net.load_state_dict(partial, /*strict=*/false);
  expect_values(net.fc1->bias, {2, 2, 2});
  EXPECT_TRUE(equal(net.fc1->weight, weight_before));
}

TEST(StateDict, SaveAndLoadSafetensors) {
  std::string path = ::testing::TempDir() + "ember_test_nn_module.safetensors";
  manual_seed(2);
  Net a, b;
  a.forward(randn({5, 4}));
  try {
    a.save(path);
  } catch (const Error& e) {
    std::string what = e.what();
    if (what.find("not implemented") != std::string::npos) GTEST_SKIP() << "save_safetensors: " << what;
    throw;
  }
  // The file holds named_parameters + named_buffers under their dotted names.
  auto file = load_safetensors(path);
  std::vector<std::string> keys;
  for (const auto& item : file) keys.push_back(item.first);
  std::vector<std::string> expected = names(a.named_parameters());
  for (const auto& n : names(a.named_buffers())) expected.push_back(n);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(file["bn.num_batches_tracked"].dtype(), kInt64);

  b.load(path);
  for (const auto& [name, t] : a.state_dict()) EXPECT_TRUE(equal(b.state_dict()[name], t)) << name;
  // Strictness applies to files as well.
  auto lin = std::make_shared<nn::LinearImpl>(4, 3);
  EXPECT_THROW_MSG(lin->load(path), ValueError, "unexpected keys [");
  std::remove(path.c_str());
}

// ================================================================================== repr

TEST(ModuleRepr, NestedSequentialLikePyTorch) {
  auto seq =
      std::make_shared<nn::SequentialImpl>(std::make_shared<nn::LinearImpl>(4, 3), std::make_shared<nn::ReLUImpl>());
  EXPECT_EQ(repr(*seq), "Sequential(\n  (0): Linear(in_features=4, out_features=3, bias=True)\n  (1): ReLU()\n)");

  // print(nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Sequential(nn.Dropout(0.25),
  //     nn.LayerNorm(3)), nn.Linear(3, 2, bias=False))) in PyTorch 1.13:
  auto nested =
      std::make_shared<nn::SequentialImpl>(std::make_shared<nn::LinearImpl>(4, 3), std::make_shared<nn::ReLUImpl>(),
                                           std::make_shared<nn::SequentialImpl>(std::make_shared<nn::DropoutImpl>(0.25),
                                                                                std::make_shared<nn::LayerNormImpl>(3)),
                                           std::make_shared<nn::LinearImpl>(3, 2, false));
  EXPECT_EQ(repr(*nested),
            "Sequential(\n"
            "  (0): Linear(in_features=4, out_features=3, bias=True)\n"
            "  (1): ReLU()\n"
            "  (2): Sequential(\n"
            "    (0): Dropout(p=0.25, inplace=False)\n"
            "    (1): LayerNorm((3,), eps=1e-05, elementwise_affine=True)\n"
            "  )\n"
            "  (3): Linear(in_features=3, out_features=2, bias=False)\n"
            ")");
  EXPECT_EQ(nested->repr(), repr(*nested));
}

TEST(ModuleRepr, EveryLayerLikePyTorch) {
  // repr() of each torch.nn layer in PyTorch 1.13.
  EXPECT_EQ(repr(nn::GELU()), "GELU(approximate='none')");
  EXPECT_EQ(repr(nn::GELU(nn::GELUOptions().approximate("tanh"))), "GELU(approximate='tanh')");
  EXPECT_EQ(repr(nn::SiLU()), "SiLU()");
  EXPECT_EQ(repr(nn::Tanh()), "Tanh()");
  EXPECT_EQ(repr(nn::Sigmoid()), "Sigmoid()");
  EXPECT_EQ(repr(nn::Softmax(1)), "Softmax(dim=1)");
  EXPECT_EQ(repr(nn::LogSoftmax(-1)), "LogSoftmax(dim=-1)");
  EXPECT_EQ(repr(nn::Dropout()), "Dropout(p=0.5, inplace=False)");
  EXPECT_EQ(repr(nn::Flatten()), "Flatten(start_dim=1, end_dim=-1)");
  EXPECT_EQ(repr(nn::BatchNorm1d(3)), "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  EXPECT_EQ(repr(nn::BatchNorm1d(
                nn::BatchNorm1dOptions(8).eps(0.001).momentum(0.01).affine(false).track_running_stats(false))),
            "BatchNorm1d(8, eps=0.001, momentum=0.01, affine=False, track_running_stats=False)");
  EXPECT_EQ(repr(nn::Embedding(10, 3)), "Embedding(10, 3)");
  EXPECT_EQ(repr(nn::LayerNorm(nn::LayerNormOptions({2, 3}).eps(1e-6).elementwise_affine(false))),
            "LayerNorm((2, 3), eps=1e-06, elementwise_affine=False)");
  EXPECT_EQ(repr(nn::Module()), "Module()");
}

// A module with both an extra_repr and children: PyTorch puts the extra text on its own line.
struct Block : nn::Module {
  Block() : Module("Block") { register_module("act", std::make_shared<nn::ReLUImpl>()); }
  std::string extra_repr() const override { return "width=4"; }
  Tensor forward(const Tensor& x) { return x; }
};

TEST(ModuleRepr, ExtraReprWithChildren) {
  EXPECT_EQ(repr(Block()), "Block(\n  width=4\n  (act): ReLU()\n)");
  auto seq = std::make_shared<nn::SequentialImpl>(std::make_shared<Block>());
  EXPECT_EQ(repr(*seq), "Sequential(\n  (0): Block(\n    width=4\n    (act): ReLU()\n  )\n)");
}

// ======================================================= layers against libtorch, per device

class Layers : public ::testing::TestWithParam<Device> {
 protected:
  void SetUp() override { EMBER_SKIP_IF_UNAVAILABLE(GetParam()); }
  Device dev() const { return GetParam(); }
  Tensor f64(const std::vector<double>& v, const Shape& s) const { return from_vector(v, s).to(dev()); }
  Tensor leaf(const std::vector<double>& v, const Shape& s) const { return f64(v, s).requires_grad_(); }
  // A float64 module on this test's device.
  template <typename M>
  std::shared_ptr<M> on_dev(std::shared_ptr<M> m) const {
    m->to(kFloat64);
    m->to(dev());
    return m;
  }
};

const std::vector<double> kX24 = {0.5, -1.2, 0.3, 2.0, -0.7, 1.5, -0.1, 0.9};
const std::vector<double> kW34 = {0.1, -0.2, 0.3, -0.4, 0.5, 0.6, -0.7, 0.8, -0.9, 0.15, 0.25, -0.35};
const std::vector<double> kB3 = {0.05, -0.1, 0.2};
const std::vector<double> kX224 = {0.3, -0.8, 1.1,  0.2,  -1.5, 0.7,   0.05, -0.3,
                                   0.9, 1.4,  -0.6, -1.1, 0.25, -0.45, 0.65, 1.8};
const std::vector<double> kX234 = {0.3,  -0.8,  1.1,  0.2, -1.5, 0.7, 0.05, -0.3, 0.9,  1.4, -0.6, -1.1,
                                   0.25, -0.45, 0.65, 1.8, -2.0, 0.1, 0.4,  0.55, -0.2, 1.3, 0.0,  -0.9};

TEST_P(Layers, LinearMatchesTorch) {
  auto lin = on_dev(std::make_shared<nn::LinearImpl>(4, 3));
  assign(lin->weight, f64(kW34, {3, 4}));
  assign(lin->bias, f64(kB3, {3}));
  {
    // torch::linear(x (4), w, b)
    Tensor x = leaf({kX24.begin(), kX24.begin() + 4}, {4});
    Tensor y = lin->forward(x);
    EXPECT_EQ(y.sizes(), Shape({3}));
    expect_forward_backward(y, {-0.3700000000000001, 0.8200000000000002, -1.055}, {x, lin->weight, lin->bias},
                            {{0.1375, 0.51875, -0.59375, 0.70625},
                             {-0.3125, 0.75, -0.1875, -1.25, 0.3125, -0.75, 0.1875, 1.25, 0.0625, -0.15, 0.0375, 0.25},
                             {-0.625, 0.625, 0.125}});
  }
  {
    // torch::linear(x (2, 4), w, b)
    Tensor x = leaf(kX24, {2, 4});
    expect_forward_backward(
        lin->forward(x), {-0.3700000000000001, 0.8200000000000002, -1.055, -0.71, 1.24, 0.7150000000000001},
        {x, lin->weight, lin->bias},
        {{0.1375, 0.51875, -0.59375, 0.70625, 0.06250000000000001, 0.65625, -0.63125, 0.7187500000000001},
         {-0.05000000000000002, 0.1875, -0.15, -1.5875, -0.29999999999999993, 0.5625, 0.09999999999999999, 2.0375,
          -0.19999999999999998, 0.4125, -3.469446951953614e-18, 0.5875},
         {-1, 1.5, 0.5}});
  }
  {
    // torch::linear(x (2, 2, 4), w, b)
    Tensor x = leaf(kX224, {2, 2, 4});
    Tensor y = lin->forward(x);
    EXPECT_EQ(y.sizes(), Shape({2, 2, 3}));
    expect_forward_backward(
        y,
        {0.49, -1.04, 0.015000000000000013, -0.10500000000000002, -0.705, 1.7725, 0.12000000000000012,
         0.7299999999999999, -0.1650000000000001, -0.3600000000000001, 0.7400000000000002, -0.5599999999999998},
        {x, lin->weight, lin->bias},
        {{0.1375, 0.51875, -0.59375, 0.70625, 0.06250000000000001, 0.65625, -0.63125, 0.7187500000000001,
          -0.8875000000000001, -0.25625, 0.5562499999999999, -0.66875, -0.9625, -0.11875000000000001, 0.51875,
          -0.65625},
         {0.29375, 0.006250000000000026, -0.55, 0.35, -1.78125, -0.59375, 0.8624999999999999, -0.12499999999999997,
          0.25625, 0.6437499999999998, 0.35000000000000003, 0.8},
         {-1, 0.5, 2}});
  }
  {
    // torch::linear(x (2, 4), w) without a bias
    auto nobias = on_dev(std::make_shared<nn::LinearImpl>(4, 3, /*bias=*/false));
    EXPECT_FALSE(nobias->bias.defined());
    EXPECT_EQ(names(nobias->named_parameters()), std::vector<std::string>{"weight"});
    assign(nobias->weight, f64(kW34, {3, 4}));
    Tensor x = leaf(kX24, {2, 4});
    expect_forward_backward(
        nobias->forward(x), {-0.4200000000000001, 0.9200000000000002, -1.255, -0.76, 1.34, 0.515}, {x, nobias->weight},
        {{0.1375, 0.51875, -0.59375, 0.70625, 0.06250000000000001, 0.65625, -0.63125, 0.7187500000000001},
         {-0.05000000000000002, 0.1875, -0.15, -1.5875, -0.29999999999999993, 0.5625, 0.09999999999999999, 2.0375,
          -0.19999999999999998, 0.4125, -3.469446951953614e-18, 0.5875}});
    expect_forward_backward(
        nn::F::linear(x, nobias->weight), {-0.4200000000000001, 0.9200000000000002, -1.255, -0.76, 1.34, 0.515}, {x},
        {{0.1375, 0.51875, -0.59375, 0.70625, 0.06250000000000001, 0.65625, -0.63125, 0.7187500000000001}});
  }
  EXPECT_THROW_MSG(nn::F::linear(f64(kX24, {2, 4}), f64(kW34, {4, 3})), ShapeError,
                   "linear: input of shape [2, 4] does not match weight of shape [4, 3] (last dim must be 3)");
}

TEST_P(Layers, ActivationsMatchTorch) {
  const std::vector<double> a = {-3.0, -1.0, -0.25, 0.0, 0.5, 1.0, 2.5, -0.6, 4.0, -7.0};
  struct Case {
    const char* name;
    nn::AnyModule module;
    std::function<Tensor(const Tensor&)> functional;
    std::vector<double> value, grad;
  };
  std::vector<Case> cases = {
      // torch::gelu(x), torch::gelu(x, "tanh"), torch::silu, torch::tanh, torch::sigmoid, torch::relu
      {"gelu",
       nn::AnyModule(nn::GELU()),
       [](const Tensor& x) { return nn::F::gelu(x); },
       {-0.00404969409489031, -0.15865525393145702, -0.10032341857926907, 0, 0.34573123063700656, 0.841344746068543,
        2.4844758366855597, -0.16455187065004412, 3.9998733150326675, -8.958667141456544e-12},
       {0.00746602950261495, -0.05207216911730397, 0.0380783306395455, -0.1875, 0.7590582340741425, 0.4062433014703824,
        -0.12970138573851814, -0.0464489725093711, 0.6253147810382665, -7.832904158364439e-12}},
      {"gelu tanh",
       nn::AnyModule(nn::GELU(nn::GELUOptions().approximate("tanh"))),
       [](const Tensor& x) { return nn::F::gelu(x, "tanh"); },
       {-0.0036373920817729943, -0.1588080093917233, -0.100324649298315, 0, 0.34571400982514394, 0.8411919906082768,
        2.484915733910001, -0.16458480076918525, 3.9999297540518075, -2.3314683517128287e-15},
       {0.0072401041443560295, -0.05185255240361411, 0.038080738106117444, -0.1875, 0.758948665592812,
        0.4061115314421685, -0.12974394702658326, -0.0465677916671981, 0.6252094519982012, -3.480319773863611e-15}},
      {"silu",
       nn::AnyModule(nn::SiLU()),
       nn::F::silu,
       {-0.14227761953270035, -0.2689414213699951, -0.10945587477855048, 0, 0.3112296656009273, 0.7310585786300049,
        2.3103545499468914, -0.21260621626452272, 3.928055160151634, -0.006377358360804518},
       {0.05506506625948101, 0.04520593008032079, 0.04703624730372529, -0.1875, 0.6474660388898204, 0.34787644195180756,
        -0.13742513891769084, -0.13567071843763137, 0.6579153843069205, -0.0006825621333065176}},
      {"tanh",
       nn::AnyModule(nn::Tanh()),
       nn::F::tanh,
       {-0.9950547536867305, -0.7615941559557649, -0.24491866240370913, 0, 0.46211715726000974, 0.7615941559557649,
        0.9866142981514303, -0.5370495669980353, 0.999329299739067, -0.9999983369439447},
       {-0.006166273228400104, 0.26248396350876635, 0.11750185610079725, -0.375, 0.6881417663451865, 0.1574903781052598,
        -0.0033240283353950712, -0.44473610161701427, 0.0008380941768911978, 4.157636681086046e-07}},
      {"sigmoid",
       nn::AnyModule(nn::Sigmoid()),
       nn::F::sigmoid,
       {0.04742587317756678, 0.2689414213699951, 0.43782349911420193, 0.5, 0.6224593312018546, 0.7310585786300049,
        0.9241418199787566, 0.35434369377420455, 0.9820137900379085, 0.0009110511944006454},
       {-0.028235412331820087, 0.12288245827592614, 0.030766760342199793, -0.09375, 0.20562824817639516,
        0.0737294749655557, -0.008762964568138508, -0.14299015028541082, 0.011039191383306942, 0.00011377764751522832}},
      {"relu",
       nn::AnyModule(nn::ReLU()),
       [](const Tensor& x) { return nn::F::relu(x); },
       {0, 0, 0, 0, 0.5, 1, 2.5, 0, 4, 0},
       {0, 0, 0, 0, 0.875, 0.375, -0.125, 0, 0.625, 0}},
      // torch::softmax(x, 1), torch::softmax(x, 0), torch::log_softmax(x, 1), torch::log_softmax(x, 0)
      {"softmax 1",
       nn::AnyModule(nn::Softmax(1)),
       [](const Tensor& x) { return nn::F::softmax(x, 1); },
       {0.012947887352758472, 0.09567266601216701, 0.20253903553713642, 0.26006526950110487, 0.42877514159683294,
        0.03880562800363096, 0.1739147588914776, 0.007834721172528985, 0.779431874094415, 1.3017837947505345e-05},
       {-0.012684710393387475, 0.025862795819780036, -0.04651797858844366, -0.18976290159105025, 0.22310279475310144,
        -0.0038829925544507393, -0.10435974473722476, -0.008618683848671763, 0.1168659781987206,
        -4.557058373318269e-06}},
      {"softmax 0",
       nn::AnyModule(nn::Softmax(0)),
       [](const Tensor& x) { return nn::F::softmax(x, -2); },
       {0.017986209962091555, 0.029312230751356316, 0.5866175789173301, 0.017986209962091555, 0.9994472213630764,
        0.9820137900379085, 0.9706877692486436, 0.41338242108267, 0.9820137900379085, 0.0005527786369235996},
       {-0.017662706213291114, 0.021339767909801667, 0.18187304626687512, -0.017662706213291114, 0.00041435480452659364,
        0.017662706213291107, -0.021339767909801674, -0.1818730462668751, 0.017662706213291107,
        -0.00041435480452662037}},
      {"log_softmax 1",
       nn::AnyModule(nn::LogSoftmax(1)),
       [](const Tensor& x) { return nn::F::log_softmax(x, -1); },
       {-4.346822642928299, -2.3468226429282986, -1.5968226429282986, -1.3468226429282986, -0.8468226429282987,
        -3.249189991231908, -1.7491899912319082, -4.849189991231908, -0.24918999123190813, -11.249189991231908},
       {-0.6330924295954741, 0.5652045837423956, -0.0015868972107102829, -0.5375407934381906, 0.6070155365019794,
        0.3604478894986384, -0.19021803458430409, -0.6279380204396984, 0.3327130472145944, 0.12499511831076969}},
      {"log_softmax 0",
       nn::AnyModule(nn::LogSoftmax(0)),
       [](const Tensor& x) { return nn::F::log_softmax(x, 0); },
       {-4.0181499279178094, -3.5297504182726205, -0.533382155418777, -4.0181499279178094, -0.0005529314753607456,
        -0.01814992791780978, -0.029750418272620652, -0.883382155418777, -0.01814992791780978, -7.500552931475361},
       {-0.6205034475094771, 0.6103438846243219, 0.41830878945866506, -0.3794965524905229, -0.1244472213630764,
        0.6205034475094771, -0.6103438846243219, -0.418308789458665, 0.3794965524905229, 0.1244472213630764}},
  };
  for (Case& c : cases) {
    SCOPED_TRACE(c.name);
    Tensor x = leaf(a, {2, 5});
    expect_forward_backward(c.module.forward(x), c.value, {x}, {c.grad});
    expect_forward_backward(c.functional(x), c.value, {x}, {c.grad});
    // float32 gives the same values to float32 precision.
    expect_values(c.module.forward(f64(a, {2, 5}).to(kFloat32)), c.value, 1e-6);
  }
  EXPECT_THROW_MSG(nn::GELU(nn::GELUOptions().approximate("fast")), ValueError,
                   "GELU: approximate must be 'none' or 'tanh', got 'fast'");
  EXPECT_THROW_MSG(nn::F::gelu(f64(a, {2, 5}), "erf"), ValueError, "gelu: approximate must be 'none' or 'tanh'");
}

TEST_P(Layers, Flatten) {
  Tensor x = f64(kX234, {2, 3, 4});
  Tensor y = nn::Flatten()(x);
  EXPECT_EQ(y.sizes(), Shape({2, 12}));
  expect_values(y, kX234, 0);
  EXPECT_EQ(nn::Flatten(nn::FlattenOptions().start_dim(0).end_dim(1))(x).sizes(), Shape({6, 4}));
  EXPECT_EQ(nn::Flatten(nn::FlattenOptions().start_dim(0))(x).sizes(), Shape({24}));
  EXPECT_EQ(nn::Flatten(nn::FlattenOptions().start_dim(-2))(x).sizes(), Shape({2, 12}));
  // Gradients flow back in the input's shape.
  Tensor leaf_x = leaf(kX234, {2, 3, 4});
  nn::Flatten()(leaf_x).sum().backward();
  EXPECT_EQ(leaf_x.grad().sizes(), Shape({2, 3, 4}));
}

TEST_P(Layers, LayerNormMatchesTorch) {
  {
    // torch::layer_norm(x (2, 2, 4), {4}, w, b, 1e-5)
    auto ln = on_dev(std::make_shared<nn::LayerNormImpl>(4));
    expect_values(ln->weight, {1, 1, 1, 1}, 0);
    expect_values(ln->bias, {0, 0, 0, 0}, 0);
    assign(ln->weight, f64({1.5, -0.5, 0.8, 1.2}, {4}));
    assign(ln->bias, f64({0.1, 0.2, -0.3, 0.05}, {4}));
    Tensor x = leaf(kX224, {2, 2, 4});
    expect_forward_backward(ln->forward(x),
                            {0.32237235135954423, 0.9412411711984803, 0.7673872865258119, 0.05000000000000013,
                             -2.2217118437844805, -0.4019252928330134, 0.012688463809357647, -0.006283923485684435,
                             1.1914051766512224, -0.406336209250679, -0.8820827608806519, -1.4052069022016298,
                             -0.4746113295041072, 0.8205802358644358, -0.21419137479405329, 1.8703686918690117},
                            {x, ln->weight, ln->bias},
                            {{-0.821982960342462, 0.3812042180006899, 0.51490285946162, -0.07412411711984812,
                              0.4612803749407927, 0.5306513387704452, 0.0652849668556436, -1.0572166805668815,
                              0.594565408203998, -0.32278610636980803, -0.764339546794188, 0.49256024495999806,
                              0.5142480864253084, 0.10935017128153804, -0.9070733097805407, 0.2834750520736943},
                             {-1.135887730712108, -0.16837838309456163, 0.32373499677010564, -0.08366512902478426},
                             {1.25, 1, -1, 0.5}});
  }
  {
    // torch::layer_norm(x (2, 2, 4), {2, 4}, w, b, 1e-5)
    auto ln = on_dev(std::make_shared<nn::LayerNormImpl>(std::vector<int64_t>{2, 4}));
    assign(ln->weight, f64({1.5, -0.5, 0.8, 1.2, 0.9, 1.1, -1.0, 0.3}, {2, 4}));
    assign(ln->bias, f64({0.1, 0.2, -0.3, 0.05, 0.0, -0.1, 0.4, 0.25}, {2, 4}));
    Tensor x = leaf(kX224, {2, 2, 4});
    expect_forward_backward(ln->forward(x),
                            {0.7411445440072575, 0.69597974159052, 0.8677701883302, 0.4080731792946193,
                             -1.7056864283966662, 0.9379283372796735, 0.295158753810134, 0.14596522493467146,
                             0.9566405240280441, -0.34811864947388255, -1.1034697328814758, -1.7853769388370968,
                             -0.10043371661018442, -1.0314734893454365, 0.0914781254458385, 0.7049056575873062},
                            {x, ln->weight, ln->bias},
                            {{-1.0589851889169692, -0.5052996062856849, 0.46360090829236333, -0.45291821558742296,
                              0.7532260462326453, 0.77491445532248, 0.25456446327253884, -0.22910286232995045,
                              0.6595101810528341, -0.3713448928201534, -0.6985167451520636, 0.6999388601046057,
                              0.00407603529058892, -0.5220154222712377, 0.32157934156292406, -0.09322735776749835},
                             {0.08978999167532775, -0.48294501461967926, 0.5590905292147854, -1.450193553098285,
                              -1.7001536317510024, 0.45968846604368824, -0.2059313273700842, 1.164459234692989},
                             {0, 0.75, -0.25, 0.5, 1.25, 0.25, -0.75, 0}});
  }
  {
    // torch::layer_norm(x, {4}) and torch::layer_norm(x, {2, 4}) without affine parameters
    auto ln = on_dev(std::make_shared<nn::LayerNormImpl>(nn::LayerNormOptions({4}).elementwise_affine(false)));
    EXPECT_TRUE(ln->parameters().empty());
    Tensor x = leaf(kX224, {2, 2, 4});
    expect_forward_backward(ln->forward(x),
                            {0.14824823423969613, -1.4824823423969606, 1.3342341081572648, 1.0527670227130593e-16,
                             -1.5478078958563204, 1.2038505856660269, 0.390860579761697, -0.0469032695714037,
                             0.7276034511008149, 1.212672418501358, -0.7276034511008148, -1.2126724185013582,
                             -0.3830742196694048, -1.2411604717288716, 0.10726078150743337, 1.516973909890843},
                            {x},
                            {{-0.7870606795420799, 0.5508502298358062, 0.699486181705324, -0.4632757319990502,
                              0.4916257079837518, 0.6599193287104963, -0.19995117001028667, -0.9515938666839615,
                              0.3352679547635506, -0.12840111254485181, -0.699069680313958, 0.4922028380952593,
                              0.4878581501092518, 0.10965540282346153, -0.8721027837958477, 0.27458923086313436}});
    expect_forward_backward(nn::F::layer_norm(x, {2, 4}),
                            {0.4274296960048383, -0.9919594831810399, 1.45971273541275, 0.2983943160788494,
                             -1.8952071426629624, 0.943571215708794, 0.10484124618986602, -0.3467825835510952,
                             0.5710936826853628, 1.0962372989477651, -1.0043371661018445, -1.5294807823642473,
                             -0.11159301845576047, -0.8467940812231239, 0.3085218745541615, 1.5163521919576872},
                            {x},
                            {{-0.7146064294270233, 0.45937106049008164, 0.572406017587171, -0.43192386680821077,
                              0.5026182999319361, 0.7353709186175046, -0.16919424778747794, -0.9540417526039815,
                              0.4331696649734498, -0.11618636439805832, -0.5444803282240384, 0.7925911255410736,
                              0.2020739938840859, -0.28917224402556874, -0.8675831691280035, 0.38958732137705965}});
  }
  EXPECT_THROW_MSG(nn::F::layer_norm(f64(kX224, {2, 2, 4}), {3}), ShapeError,
                   "layer_norm: input of shape [2, 2, 4] does not end in normalized_shape [3]");
  EXPECT_THROW_MSG(nn::F::layer_norm(f64(kX224, {2, 2, 4}), {4}, f64({1, 1}, {2})), ShapeError,
                   "layer_norm: weight/bias of shape [2] must have normalized_shape [4]");
}

// One BatchNorm1d run as in the libtorch program: a training step on x (gradients), a second
// no-grad step on x * 0.5 + 0.3, then eval on x.
struct BatchNormRef {
  std::vector<double> train, gx, gw, gb, rm1, rv1, rm2, rv2, eval, eval_gx;
};

void check_batch_norm(const std::shared_ptr<nn::BatchNorm1dImpl>& bn, const Tensor& x_values, const BatchNormRef& r) {
  assign(bn->weight, from_vector<double>({1.2, 0.8, -0.5}).to(x_values.device()));
  assign(bn->bias, from_vector<double>({0.1, -0.2, 0.3}).to(x_values.device()));
  Tensor x = x_values.clone().requires_grad_();
  expect_forward_backward(bn->forward(x), r.train, {x, bn->weight, bn->bias}, {r.gx, r.gw, r.gb});
  // Momentum 0.1; the running variance is unbiased.
  expect_values(bn->running_mean, r.rm1, 1e-12);
  expect_values(bn->running_var, r.rv1, 1e-12);
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 1);
  {
    NoGradGuard no_grad;
    bn->forward(x_values * 0.5 + 0.3);
  }
  expect_values(bn->running_mean, r.rm2, 1e-12);
  expect_values(bn->running_var, r.rv2, 1e-12);
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 2);
  bn->eval();
  Tensor x2 = x_values.clone().requires_grad_();
  expect_forward_backward(bn->forward(x2), r.eval, {x2}, {r.eval_gx});
  // Eval neither updates the statistics nor counts batches.
  expect_values(bn->running_mean, r.rm2, 1e-12);
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 2);
}

TEST_P(Layers, BatchNorm1dMatchesTorch) {
  {
    // torch::nn::BatchNorm1d(3) on (N, C) = (4, 3)
    SCOPED_TRACE("(N, C)");
    auto bn = on_dev(std::make_shared<nn::BatchNorm1dImpl>(3));
    check_batch_norm(bn, f64({0.3, -0.8, 1.1, 0.2, -1.5, 0.7, 0.05, -0.3, 0.9, 1.4, -0.6, -1.1}, {4, 3}),
                     {{-0.32111006810601056, -0.2000000000000002, -0.09885942762085868, -0.5457021044292162,
                       -1.4681177628187343, 0.12906024530534632, -0.8825901589140246, 0.7057984020133814,
                       0.015100408842243816, 2.1494023314492514, 0.1623193608053525, 1.1546987734732685},
                      {-0.6970148544557242, 0.9057984020133811, 0.11007618747336544, -0.05809194671101859,
                       -0.2670110309201542, 0.026825538120174044, 0.6195523695020329, -0.19747715020562503,
                       -0.14522383057154736, 0.13555443166470996, -0.44131022088760263, 0.008322104978007918},
                      {0.7369426191855184, -2.264496005033454, -0.9116786917048197},
                      {-1, 0.5, 2},
                      {0.04875, -0.08, 0.04000000000000001},
                      {0.9380625, 0.926, 1.0026666666666666},
                      {0.09825, -0.08200000000000002, 0.08600000000000002},
                      {0.8537718750000001, 0.8399, 0.9280666666666666},
                      {0.3620120855362798, -0.8267553578370646, -0.22627898976780852, 0.23214240249475326,
                       -1.4377981858119184, -0.018673865599047733, 0.03733787793246345, -0.3902961949978831,
                       -0.12247642768342813, 1.7905785989930714, -0.6521716927013919, 0.9155491931603756},
                      {-0.8116855190095407, 0.5455739535489768, -0.06487660130273773, -0.48701131140572446,
                       0.7638035349685675, -0.1946298039082132, -0.16233710380190816, -0.5455739535489768,
                       -0.3243830065136887, 0.16233710380190816, -0.32734437212938605, -0.4541362091191641}});
  }
  {
    // torch::nn::BatchNorm1d(3) on (N, C, L) = (2, 3, 4)
    SCOPED_TRACE("(N, C, L)");
    auto bn = on_dev(std::make_shared<nn::BatchNorm1dImpl>(3));
    check_batch_norm(
        bn, f64(kX234, {2, 3, 4}),
        {{-0.02660245899797134, -1.7406049808166604,  1.2199448295974389,   -0.18242087007239757, -1.284247366423438,
          0.6240279984818127,   0.060219367941625045, -0.24336989465693754, -0.13385836353679784, -0.40501984074729636,
          0.6796260680946979,   0.9507875453051966,   -0.10451166453518446, -1.1952405420561683,  0.5187619797625207,
          2.310673707118423,    -1.717946312992813,   0.10358926259856256,  0.36380863054018764,  0.4939183145110002,
          0.46269688632629913,  -0.35078754530519674, 0.35423229544209967,  0.8423229544209971},
         {-0.967361199556481,  1.0684213280990948,   0.13723878224699027,  -0.5698104092135747,  0.5604870009052312,
          0.18988238344053696, -0.26245806945522115, -0.706194750200341,   -0.31961088354150796, -0.08932253049142529,
          0.3453314433607371,  -0.2916991255050935,  0.5948252925162019,   -0.12823342425804446, -0.9953778688554236,
          0.8602974990212366,  -0.10440103919989528, -0.47787358071480235, 0.6149775578592738,   0.18558049736521778,
          0.17705220542715502, 0.3255943101564058,   -0.24603926005275925, 0.09869384064648803},
         {0.31650614749492856, -0.24395565744527348, -1.1117620565630446},
         {0, 1.5, 1.25},
         {0.038125, -0.024999999999999998, 0.009999999999999997},
         {0.96778125, 0.9972142857142857, 0.9971428571428571},
         {0.083375, -0.005000000000000001, 0.044},
         {0.8879484375000001, 0.9217964285714286, 0.9217142857142857},
         {0.3758630303480071,  -1.024941740028486,  1.3946301360763658,   0.2485171421319623,   -1.445693830078202,
          0.38743421418403506, -0.1541717988934441, -0.4458058059351636,  -0.14580327413712257, -0.40620238286207727,
          0.6353940520377417,  0.8957931607626965,  0.3121900862399847,   -0.5792311312723291,  0.821573639104164,
          2.2860513535886793,  -1.8623138401378014, -0.11250979788748415, 0.13746220814827548,  0.2624482111661553,
          0.4270747650577779,  -0.3541225611170864, 0.322915121567796,    0.7916335172727146},
         {-0.7959118013502801, 0.7959118013502801,   0.15918236027005603,  -0.47754708081016806, 0.7290850176042989,
          0.3124650075446995,  -0.10415500251489984, -0.5207750125744992,  -0.32549888590619347, -0.06509977718123869,
          0.19529933154371606, -0.4556984402686708,  0.47754708081016806,  -0.15918236027005603, -0.7959118013502801,
          0.7959118013502801,  0.10415500251489984,  -0.3124650075446995,  0.7290850176042989,   0.3124650075446995,
          0.06509977718123869, 0.32549888590619347,  -0.32549888590619347, -0.06509977718123869}});
  }
}

TEST_P(Layers, BatchNorm1dStateAndErrors) {
  auto bn = on_dev(std::make_shared<nn::BatchNorm1dImpl>(3));
  EXPECT_EQ(names(bn->named_parameters()), (std::vector<std::string>{"weight", "bias"}));
  EXPECT_EQ(names(bn->named_buffers()),
            (std::vector<std::string>{"running_mean", "running_var", "num_batches_tracked"}));
  expect_values(bn->running_mean, {0, 0, 0}, 0);
  expect_values(bn->running_var, {1, 1, 1}, 0);
  EXPECT_EQ(bn->num_batches_tracked.dim(), 0);
  EXPECT_EQ(bn->num_batches_tracked.dtype(), kInt64);
  // One value per channel cannot be normalised in training; (1, C, L) with L > 1 can.
  EXPECT_THROW_MSG(bn->forward(f64({1, 2, 3}, {1, 3})), ValueError,
                   "batch_norm: expected more than 1 value per channel when training, got input of shape [1, 3]");
  EXPECT_EQ(bn->forward(f64({1, 2, 3, 4, 5, 6}, {1, 3, 2})).sizes(), Shape({1, 3, 2}));
  EXPECT_THROW_MSG(bn->forward(f64({1, 2, 3, 4}, {2, 2})), ShapeError,
                   "BatchNorm1d: expected 3 channels in dim 1, got input of shape [2, 2]");
  EXPECT_THROW_MSG(bn->forward(f64({1, 2, 3}, {3})), ShapeError, "BatchNorm1d: expected 2D or 3D input (got 1D input");
  bn->eval();
  EXPECT_EQ(bn->forward(f64({1, 2, 3}, {1, 3})).sizes(), Shape({1, 3}));  // eval takes one sample
  // Without running statistics the batch statistics are used in eval too, and nothing is stored.
  auto plain =
      on_dev(std::make_shared<nn::BatchNorm1dImpl>(nn::BatchNorm1dOptions(2).affine(false).track_running_stats(false)));
  EXPECT_TRUE(plain->parameters().empty());
  EXPECT_TRUE(plain->buffers().empty());
  plain->eval();
  expect_values(plain->forward(f64({1, 10, 3, 30}, {2, 2})), {-1, -1, 1, 1}, 1e-4);
}

TEST_P(Layers, EmbeddingMatchesTorch) {
  // torch::embedding(weight (5, 3), indices {{1, 3, 1}, {0, 4, 1}}): row 1 is picked three
  // times, so its gradient is the sum of three output gradients.
  auto emb = on_dev(std::make_shared<nn::EmbeddingImpl>(5, 3));
  assign(emb->weight, f64({0.1, -0.2, 0.3, 1.0, 1.1, 1.2, -0.5, 0.5, 2.0, 0.7, -0.7, 0.0, 3.0, -3.0, 0.25}, {5, 3}));
  Tensor idx = from_vector<int64_t>({1, 3, 1, 0, 4, 1}, Shape{2, 3}).to(dev());
  Tensor y = emb->forward(idx);
  EXPECT_EQ(y.sizes(), Shape({2, 3, 3}));
  expect_forward_backward(
      y, {1, 1.1, 1.2, 0.7, -0.7, 0, 1, 1.1, 1.2, 0.1, -0.2, 0.3, 3, -3, 0.25, 1, 1.1, 1.2}, {emb->weight},
      {{0.125, -0.375, 0.875, -0.125, 0.125, 0.375, 0, 0, 0, -0.375, 0.875, 0.375, 0.375, -0.125, -0.625}});
  // int32 indices and the functional form give the same rows; a 0-dim index gives one row.
  EXPECT_TRUE(equal(nn::F::embedding(idx.to(kInt32), emb->weight), y));
  expect_values(nn::F::embedding(full({}, 4, TensorOptions(kInt64).device(dev())), emb->weight), {3.0, -3.0, 0.25});
  // Gradients accumulate into .grad through backward as well.
  emb->forward(idx).sum().backward();
  expect_values(emb->weight.grad(), {1, 1, 1, 3, 3, 3, 0, 0, 0, 1, 1, 1, 1, 1, 1}, 0);
  EXPECT_THROW_MSG(nn::F::embedding(idx.to(kFloat32), emb->weight), TypeError,
                   "embedding: indices must be int64 or int32, got float32");
  EXPECT_THROW(emb->forward(from_vector<int64_t>({0, 5}).to(dev())), IndexError);
}

INSTANTIATE_TEST_SUITE_P(Devices, Layers, ::testing::ValuesIn(ember_test::test_devices()),
                         ember_test::device_param_name);

// ================================================================================= Dropout

TEST(Dropout, EvalAndZeroProbabilityAreIdentity) {
  Tensor x = randn({4, 5});
  auto drop = std::make_shared<nn::DropoutImpl>(0.5);
  drop->eval();
  EXPECT_TRUE(equal(drop->forward(x), x));
  EXPECT_TRUE(equal(nn::F::dropout(x, 0.5, /*training=*/false), x));
  EXPECT_TRUE(equal(nn::F::dropout(x, 0.0), x));
}

TEST(Dropout, TrainingZeroesAboutPAndScalesTheRest) {
  manual_seed(3);
  for (double p : {0.1, 0.3, 0.5, 0.8}) {
    SCOPED_TRACE(p);
    Tensor x = rand({200, 500}) + 0.5;  // no zeros of its own
    nn::Dropout drop(p);
    Tensor y = drop(x);
    auto xs = x.to_vector<float>(), ys = y.to_vector<float>();
    const auto scale = static_cast<float>(1.0 / (1.0 - p));
    size_t zeros = 0;
    for (size_t i = 0; i < ys.size(); ++i) {
      if (ys[i] == 0.f) {
        ++zeros;
      } else if (ys[i] != xs[i] * scale) {
        ADD_FAILURE() << "at " << i << ": " << ys[i] << " != " << xs[i] << " * " << scale;
        break;
      }
    }
    double frac = static_cast<double>(zeros) / static_cast<double>(ys.size());
    EXPECT_NEAR(frac, p, 0.01);  // 1e5 draws: the standard error is below 0.0016
  }
}

TEST(Dropout, ProbabilityOneAndBadProbabilities) {
  Tensor x = randn({3, 4}).requires_grad_();
  Tensor y = nn::F::dropout(x, 1.0);
  expect_values(y, std::vector<double>(12, 0.0), 0);
  y.sum().backward();
  expect_values(x.grad(), std::vector<double>(12, 0.0), 0);
  EXPECT_THROW_MSG(nn::Dropout(-0.1), ValueError, "Dropout: probability has to be between 0 and 1, but got -0.1");
  EXPECT_THROW_MSG(nn::Dropout(1.5), ValueError, "probability has to be between 0 and 1, but got 1.5");
  EXPECT_THROW_MSG(nn::F::dropout(x, 2.0), ValueError, "dropout: probability has to be between 0 and 1, but got 2");
  EXPECT_THROW_MSG(nn::F::dropout(x, -1.0, false), ValueError, "dropout: probability has to be between 0 and 1");
}

TEST(Dropout, GradientIsTheMaskAndSeedsRepeat) {
  manual_seed(4);
  Tensor x = (rand({50, 40}) + 0.5).requires_grad_();
  const double p = 0.4;
  Tensor y = nn::F::dropout(x, p);
  y.backward(ones_like(y));
  const auto scale = static_cast<float>(1.0 / (1.0 - p));
  auto gs = x.grad().to_vector<float>(), ys = y.to_vector<float>();
  for (size_t i = 0; i < gs.size(); ++i) {
    ASSERT_EQ(gs[i], ys[i] == 0.f ? 0.f : scale) << "at " << i;
  }
  // The same seed draws the same mask.
  manual_seed(99);
  Tensor a = nn::F::dropout(x.detach(), p);
  manual_seed(99);
  Tensor b = nn::F::dropout(x.detach(), p);
  EXPECT_TRUE(equal(a, b));
}

// ====================================================== finite differences of the layers

using ember_test::expect_gradcheck;
using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

Tensor leaf64(const Shape& s) { return randn(s, kFloat64).requires_grad_(); }

TEST(LayerGradcheck, Linear) {
  manual_seed(21);
  Fn with_bias = [](const std::vector<Tensor>& in) { return nn::F::linear(in[0], in[1], in[2]); };
  for (const Shape& s : {Shape{4}, Shape{3, 4}, Shape{2, 3, 4}}) {
    SCOPED_TRACE(::testing::PrintToString(s));
    expect_gradcheck(with_bias, {leaf64(s), leaf64({2, 4}), leaf64({2})});
    expect_gradcheck([](const std::vector<Tensor>& in) { return nn::F::linear(in[0], in[1]); },
                     {leaf64(s), leaf64({2, 4})});
  }
  // A transposed input.
  expect_gradcheck(with_bias, {randn({4, 3}, kFloat64).t().requires_grad_(), leaf64({2, 4}), leaf64({2})});
}

TEST(LayerGradcheck, LayerNorm) {
  manual_seed(22);
  expect_gradcheck([](const std::vector<Tensor>& in) { return nn::F::layer_norm(in[0], {4}, in[1], in[2]); },
                   {leaf64({2, 3, 4}), leaf64({4}), leaf64({4})});
  expect_gradcheck(
      [](const std::vector<Tensor>& in) {
        return nn::F::layer_norm(in[0], {3, 4}, in[1], in[2]);
      },
      {leaf64({2, 3, 4}), leaf64({3, 4}), leaf64({3, 4})});
  expect_gradcheck([](const std::vector<Tensor>& in) { return nn::F::layer_norm(in[0], {5}); }, {leaf64({3, 5})});
}

TEST(LayerGradcheck, BatchNorm) {
  manual_seed(23);
  Fn train = [](const std::vector<Tensor>& in) {
    return nn::F::batch_norm(in[0], Tensor(), Tensor(), in[1], in[2], /*training=*/true);
  };
  expect_gradcheck(train, {leaf64({5, 3}), leaf64({3}), leaf64({3})});
  expect_gradcheck(train, {leaf64({2, 3, 4}), leaf64({3}), leaf64({3})});
  // Training with running statistics (updated on every call) differentiates the same way.
  Tensor rm = zeros({3}, kFloat64), rv = ones({3}, kFloat64);
  expect_gradcheck(
      [rm, rv](const std::vector<Tensor>& in) { return nn::F::batch_norm(in[0], rm, rv, in[1], in[2], true); },
      {leaf64({4, 3}), leaf64({3}), leaf64({3})});
  // Eval with fixed statistics.
  Tensor mean = randn({3}, kFloat64), var = rand({3}, kFloat64) + 0.5;
  expect_gradcheck(
      [mean, var](const std::vector<Tensor>& in) {
        return nn::F::batch_norm(in[0], mean, var, in[1], in[2], /*training=*/false);
      },
      {leaf64({2, 3, 4}), leaf64({3}), leaf64({3})});
}

TEST(LayerGradcheck, EmbeddingGeluDropout) {
  manual_seed(24);
  Tensor idx = from_vector<int64_t>({1, 3, 1, 0, 4, 1}, Shape{2, 3});
  expect_gradcheck([idx](const std::vector<Tensor>& in) { return nn::F::embedding(idx, in[0]); }, {leaf64({5, 3})});
  expect_gradcheck([](const std::vector<Tensor>& in) { return nn::F::gelu(in[0], "tanh"); }, {leaf64({3, 4})});
  expect_gradcheck([](const std::vector<Tensor>& in) { return nn::F::gelu(in[0]); }, {leaf64({3, 4})});
  // Reseeding inside the function fixes the mask across gradcheck's evaluations.
  expect_gradcheck(
      [](const std::vector<Tensor>& in) {
        manual_seed(5);
        return nn::F::dropout(in[0], 0.3);
      },
      {leaf64({4, 5})});
}

// ================================================================================= init

TEST(Init, CalculateGain) {
  EXPECT_EQ(nn::init::calculate_gain("linear"), 1.0);
  EXPECT_EQ(nn::init::calculate_gain("conv2d"), 1.0);
  EXPECT_EQ(nn::init::calculate_gain("conv_transpose1d"), 1.0);
  EXPECT_EQ(nn::init::calculate_gain("sigmoid"), 1.0);
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain("tanh"), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain("relu"), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain("leaky_relu"), std::sqrt(2.0 / (1 + 0.01 * 0.01)));
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain("leaky_relu", 0.2), std::sqrt(2.0 / 1.04));
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain("selu"), 0.75);
  EXPECT_THROW_MSG(nn::init::calculate_gain("swish"), ValueError, "calculate_gain: unsupported nonlinearity swish");
}

struct Stats {
  double min, max, mean, var;
};
Stats stats(const Tensor& t) {
  auto v = t.to_vector<double>();
  Stats s{v[0], v[0], 0, 0};
  for (double x : v) {
    s.min = std::min(s.min, x);
    s.max = std::max(s.max, x);
    s.mean += x;
  }
  s.mean /= static_cast<double>(v.size());
  for (double x : v) s.var += (x - s.mean) * (x - s.mean);
  s.var /= static_cast<double>(v.size());
  return s;
}

void expect_uniform(const Tensor& t, double bound) {
  Stats s = stats(t);
  EXPECT_GE(s.min, -bound);
  EXPECT_LE(s.max, bound);
  EXPECT_GT(s.max, 0.95 * bound);  // the whole range is used
  EXPECT_LT(s.min, -0.95 * bound);
  EXPECT_NEAR(s.var, bound * bound / 3, 0.1 * bound * bound / 3);
  EXPECT_NEAR(s.mean, 0.0, 0.05 * bound);
}

void expect_normal(const Tensor& t, double std) {
  Stats s = stats(t);
  EXPECT_NEAR(std::sqrt(s.var), std, 0.05 * std);
  EXPECT_NEAR(s.mean, 0.0, 0.05 * std);
}

TEST(Init, LinearDefaultInit) {
  manual_seed(31);
  nn::Linear lin(256, 128);
  // kaiming_uniform_(a = sqrt(5)) and the bias bound: both U(-1/sqrt(in), 1/sqrt(in)).
  double bound = 1.0 / std::sqrt(256.0);
  expect_uniform(lin->weight, bound);
  Stats b = stats(lin->bias);
  EXPECT_GE(b.min, -bound);
  EXPECT_LE(b.max, bound);
  nn::Linear square(256, 256);
  expect_uniform(square->weight, 1.0 / 16);
  EXPECT_EQ(lin->weight.dtype(), kFloat32);
  EXPECT_TRUE(lin->weight.requires_grad());
  // Embedding: N(0, 1).
  nn::Embedding emb(1000, 16);
  expect_normal(emb->weight, 1.0);
}

TEST(Init, XavierAndKaiming) {
  manual_seed(32);
  Tensor t = empty({256, 512});  // fan_in 512, fan_out 256
  nn::init::xavier_uniform_(t);
  expect_uniform(t, std::sqrt(6.0 / 768));
  nn::init::xavier_uniform_(t, 2.0);
  expect_uniform(t, 2.0 * std::sqrt(6.0 / 768));
  nn::init::xavier_normal_(t);
  expect_normal(t, std::sqrt(2.0 / 768));
  nn::init::kaiming_uniform_(t);  // a = 0, fan_in, leaky_relu: gain sqrt(2)
  expect_uniform(t, std::sqrt(3.0) * std::sqrt(2.0) / std::sqrt(512.0));
  nn::init::kaiming_uniform_(t, 0.0, "fan_out", "relu");
  expect_uniform(t, std::sqrt(3.0) * std::sqrt(2.0) / std::sqrt(256.0));
  nn::init::kaiming_normal_(t, 0.0, "fan_out", "relu");
  expect_normal(t, std::sqrt(2.0) / std::sqrt(256.0));
  nn::init::kaiming_normal_(t, 0.0, "fan_in", "tanh");
  expect_normal(t, (5.0 / 3.0) / std::sqrt(512.0));
  // Dims past the second multiply both fans (a conv weight (16, 8, 3, 3): fan_in 72, fan_out 144).
  Tensor conv = empty({16, 8, 3, 3}, kFloat64);
  nn::init::kaiming_uniform_(conv, std::sqrt(5.0));
  expect_uniform(conv, 1.0 / std::sqrt(72.0));
  nn::init::xavier_uniform_(conv);
  expect_uniform(conv, std::sqrt(6.0 / (72 + 144)));
}

TEST(Init, UniformNormalConstant) {
  manual_seed(33);
  Tensor t = empty({100, 100}, kFloat64);
  nn::init::uniform_(t, -2.0, 3.0);
  Stats s = stats(t);
  EXPECT_GE(s.min, -2.0);
  EXPECT_LT(s.max, 3.0);
  EXPECT_NEAR(s.mean, 0.5, 0.05);
  nn::init::normal_(t, 1.0, 0.5);
  s = stats(t);
  EXPECT_NEAR(s.mean, 1.0, 0.02);
  EXPECT_NEAR(std::sqrt(s.var), 0.5, 0.02);
  Tensor small = empty({2, 3});
  nn::init::constant_(small, 0.25);
  expect_values(small, std::vector<double>(6, 0.25), 0);
  nn::init::zeros_(small);
  expect_values(small, std::vector<double>(6, 0.0), 0);
  nn::init::ones_(small);
  expect_values(small, std::vector<double>(6, 1.0), 0);
  // The initialisers return the tensor they filled.
  EXPECT_TRUE(nn::init::zeros_(small).is_same(small));
}

TEST(Init, WorksOnParametersThatRequireGrad) {
  nn::Linear lin(8, 4);
  Tensor w = lin->weight;
  auto version = w._version();
  nn::init::xavier_uniform_(lin->weight);
  nn::init::zeros_(lin->bias);
  EXPECT_TRUE(w.is_same(lin->weight));
  EXPECT_TRUE(w.requires_grad());
  EXPECT_TRUE(w.is_leaf());
  EXPECT_EQ(w.grad_fn(), nullptr);
  EXPECT_GT(w._version(), version);
  expect_values(lin->bias, {0, 0, 0, 0}, 0);
  Stats s = stats(w);
  EXPECT_LE(std::max(-s.min, s.max), std::sqrt(6.0 / 12));
}

TEST(Init, Errors) {
  Tensor v = empty({5});
  EXPECT_THROW_MSG(nn::init::xavier_uniform_(v), ValueError,
                   "xavier_uniform_: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions "
                   "(shape [5])");
  EXPECT_THROW_MSG(nn::init::xavier_normal_(v), ValueError, "xavier_normal_: fan in and fan out can not be computed");
  EXPECT_THROW_MSG(nn::init::kaiming_uniform_(v), ValueError, "kaiming_uniform_: fan in and fan out");
  EXPECT_THROW_MSG(nn::init::kaiming_normal_(empty({})), ValueError, "kaiming_normal_: fan in and fan out");
  EXPECT_THROW_MSG(nn::init::kaiming_uniform_(empty({2, 2}), 0.0, "fan_avg"), ValueError,
                   "kaiming_uniform_: mode fan_avg not supported, use 'fan_in' or 'fan_out'");
  EXPECT_THROW_MSG(nn::init::kaiming_normal_(empty({2, 2}), 0.0, "fan_in", "swish"), ValueError,
                   "unsupported nonlinearity swish");
  EXPECT_THROW_MSG(nn::init::uniform_(zeros({2}, kInt64)), TypeError,
                   "uniform_: expected a floating tensor, got int64");
  EXPECT_THROW_MSG(nn::init::normal_(Tensor()), ValueError, "normal_: the tensor is undefined");
  // Empty tensors are left alone, like PyTorch.
  Tensor none = empty({0, 3});
  EXPECT_NO_THROW(nn::init::kaiming_uniform_(none));
  EXPECT_NO_THROW(nn::Linear(0, 3));
}

// ======================================================================== end to end

TEST(Training, MlpLearnsTwoSpirals) {
  // Two interleaved spirals of 100 points each, a 2-32-32-2 tanh MLP, full-batch SGD written
  // out by hand (p -= lr * grad under no-grad) and cross_entropy.
  manual_seed(7);
  const int64_t n = 100;
  Tensor t = linspace(0.0, 1.0, n);
  std::vector<Tensor> xs, ys;
  for (int64_t c = 0; c < 2; ++c) {
    Tensor theta = t * 3.5 + static_cast<double>(c) * M_PI + randn({n}) * 0.05;
    Tensor r = t * 0.9 + 0.1;
    xs.push_back(stack({r * theta.sin(), r * theta.cos()}, 1));
    ys.push_back(full({n}, c, kInt64));
  }
  Tensor x = cat(xs, 0), y = cat(ys, 0);
  auto model =
      std::make_shared<nn::SequentialImpl>(std::make_shared<nn::LinearImpl>(2, 32), std::make_shared<nn::TanhImpl>(),
                                           std::make_shared<nn::LinearImpl>(32, 32), std::make_shared<nn::TanhImpl>(),
                                           std::make_shared<nn::LinearImpl>(32, 2));
  auto params = model->parameters();
  const double lr = 0.5;
  double first = 0, last = 0;
  for (int step = 0; step < 300; ++step) {
    model->zero_grad();
    Tensor loss = nn::F::cross_entropy(model->forward(x), y);
    loss.backward();
    {
      NoGradGuard no_grad;
      for (auto& p : params) p.sub_(p.grad() * lr);
    }
    if (step == 0) first = loss.item<double>();
    last = loss.item<double>();
  }
  EXPECT_NEAR(first, std::log(2.0), 0.2);
  EXPECT_LT(last, first / 10) << "first " << first << ", last " << last;
  // Nearly every training point is classified right.
  NoGradGuard no_grad;
  Tensor correct = (std::get<1>(model->forward(x).max(1)) == y).to(kFloat32).mean();
  EXPECT_GT(correct.item<double>(), 0.95);
}

}  // namespace

// Linear records one node that reads the weight directly: its gradient arrives contiguous in
// the weight's layout (no t() node, no transposed copy), and the input's gradient is skipped
// when the input does not require grad.
TEST(LinearGraph, OneNodeAndContiguousWeightGradient) {
  manual_seed(3);
  auto lin = std::make_shared<nn::LinearImpl>(5, 3);
  Tensor x = randn({4, 5});
  Tensor y = lin->forward(x);
  EXPECT_EQ(y.grad_fn()->name(), "AddmmBackward");
  y.sum().backward();
  ASSERT_TRUE(lin->weight.grad().defined());
  EXPECT_TRUE(lin->weight.grad().is_contiguous());
  EXPECT_TRUE(allclose(lin->weight.grad(), x.sum(0).unsqueeze(0).expand({3, 5}), 1e-5, 1e-6));
  EXPECT_TRUE(allclose(lin->bias.grad(), full({3}, 4.0), 1e-6, 1e-6));
  auto no_bias = std::make_shared<nn::LinearImpl>(5, 3, false);
  EXPECT_EQ(no_bias->forward(x).grad_fn()->name(), "MmBackward");
}
