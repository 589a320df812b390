// libtorch's module holders and containers, written as a libtorch program writes them and
// renamed torch:: -> ember:: (TORCH_MODULE -> EMBER_MODULE) and nothing else: a module class
// NetImpl with holder members and its holder Net, register_module with holders, Sequential of
// holders and Functional, AnyModule, ModuleList, ModuleDict, ParameterList, ParameterDict,
// apply, modules(), named_parameters() items, clone(), FORWARD_HAS_DEFAULT_ARGS. Expected
// behaviour is libtorch 1.13's (checked by building this file against libtorch).
#include <ember/ember.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace {

struct NetImpl : ember::nn::Module {
  NetImpl(int64_t in, int64_t hidden, int64_t out)
      : fc1(register_module("fc1", ember::nn::Linear(in, hidden))),
        fc2(register_module("fc2", ember::nn::Linear(ember::nn::LinearOptions(hidden, out).bias(false)))) {}
  ember::Tensor forward(ember::Tensor x) { return fc2(ember::relu(fc1(x))); }
  ember::nn::Linear fc1, fc2;
};
EMBER_MODULE(Net);

// The tutorial's style: members start empty and are assigned in the constructor.
struct LateNetImpl : ember::nn::Module {
  LateNetImpl() {
    fc = register_module("fc", ember::nn::Linear(4, 2));
    scale = register_parameter("scale", ember::ones({1}));
    register_buffer("steps", ember::zeros({1}, ember::kLong));
  }
  ember::Tensor forward(const ember::Tensor& x) { return fc->forward(x) * scale; }
  ember::nn::Linear fc{nullptr};
  ember::Tensor scale;
};
EMBER_MODULE(LateNet);

// A cloneable module: reset() creates everything, so clone() can rebuild and copy it.
struct CloneNetImpl : ember::nn::Cloneable<CloneNetImpl> {
  CloneNetImpl() { reset(); }
  void reset() override {
    fc = register_module("fc", ember::nn::Linear(3, 3));
    bias = register_parameter("bias", ember::zeros({3}));
  }
  ember::Tensor forward(const ember::Tensor& x) { return fc(x) + bias; }
  ember::nn::Linear fc{nullptr};
  ember::Tensor bias;
};
EMBER_MODULE(CloneNet);

struct ScaleImpl : ember::nn::Module {
  ember::Tensor forward(ember::Tensor x, double factor = 2.0) { return x * factor; }

 protected:
  FORWARD_HAS_DEFAULT_ARGS({1, ember::nn::AnyValue(2.0)})
};
EMBER_MODULE(Scale);

std::vector<std::string> keys_of(const ember::OrderedDict<std::string, ember::Tensor>& dict) {
  std::vector<std::string> keys;
  for (const auto& item : dict) keys.push_back(item.key());
  return keys;
}

TEST(CompatModules, HolderOfAModuleClass) {
  Net net(4, 8, 3);
  auto x = ember::randn({5, 4});
  EXPECT_EQ(net->forward(x).sizes(), std::vector<int64_t>({5, 3}));
  EXPECT_EQ(net(x).sizes(), std::vector<int64_t>({5, 3}));
  EXPECT_TRUE(ember::allclose(net(x), net->fc2(ember::relu(net->fc1(x)))));
  EXPECT_EQ(net->parameters().size(), 3u);  // fc2 has no bias
  EXPECT_FALSE(net->fc2->bias.defined());
  EXPECT_EQ(net->fc1->options.in_features(), 4);
  EXPECT_EQ(net->fc2->options.bias(), false);
  EXPECT_FALSE(net.is_empty());
  EXPECT_TRUE(static_cast<bool>(net));
  std::shared_ptr<NetImpl> impl = net.ptr();
  EXPECT_EQ(impl.get(), net.get());
  EXPECT_EQ(&*net, impl.get());
  // The holder shares its module: copies are the same module.
  Net same = net;
  EXPECT_EQ(same.get(), net.get());
}

TEST(CompatModules, EmptyHolders) {
  ember::nn::Linear fc{nullptr};
  EXPECT_TRUE(fc.is_empty());
  EXPECT_FALSE(static_cast<bool>(fc));
  EXPECT_THROW(fc.get(), ember::Error);
  EXPECT_THROW(fc.ptr(), ember::Error);
  fc = ember::nn::Linear(2, 3);
  EXPECT_EQ(fc(ember::ones({1, 2})).sizes(), std::vector<int64_t>({1, 3}));
  LateNet late;
  EXPECT_FALSE(late->fc.is_empty());
  EXPECT_EQ(late(ember::ones({2, 4})).sizes(), std::vector<int64_t>({2, 2}));
}

TEST(CompatModules, MakeSharedOfTheImplClass) {
  auto linear = std::make_shared<ember::nn::LinearImpl>(3, 2);
  EXPECT_EQ(linear->forward(ember::ones({4, 3})).sizes(), std::vector<int64_t>({4, 2}));
  ember::nn::Linear holder(linear);
  EXPECT_EQ(holder.get(), linear.get());
  auto parent = std::make_shared<ember::nn::Module>();
  auto registered = parent->register_module("linear", linear);
  EXPECT_EQ(registered, linear);
  EXPECT_EQ(parent->named_parameters().size(), 2u);
}

TEST(CompatModules, NamedParametersAreAnOrderedDict) {
  LateNet net;
  auto params = net->named_parameters();
  EXPECT_EQ(keys_of(params), (std::vector<std::string>{"scale", "fc.weight", "fc.bias"}));
  EXPECT_TRUE(params["fc.weight"].is_same(net->fc->weight));
  EXPECT_TRUE(params.contains("scale"));
  EXPECT_EQ(params.size(), 3u);
  const ember::Tensor* found = params.find("fc.bias");
  ASSERT_NE(found, nullptr);
  EXPECT_TRUE(found->is_same(net->fc->bias));
  EXPECT_EQ(params.find("nope"), nullptr);
  EXPECT_THROW(params["nope"], ember::Error);
  for (auto& pair : net->named_parameters()) EXPECT_TRUE(pair.value().requires_grad()) << pair.key();
  EXPECT_EQ(net->named_parameters(/*recurse=*/false).size(), 1u);
  EXPECT_EQ(keys_of(net->named_buffers()), std::vector<std::string>{"steps"});
  auto children = net->named_children();
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].key(), "fc");
  EXPECT_EQ(children["fc"].get(), net->fc.get());
}

TEST(CompatModules, SequentialOfHolders) {
  ember::manual_seed(0);
  ember::nn::Sequential seq(ember::nn::Linear(4, 8), ember::nn::Functional(ember::relu), ember::nn::Linear(8, 1));
  EXPECT_EQ(seq->size(), 3u);
  auto x = ember::randn({5, 4});
  auto y = seq->forward(x);
  EXPECT_EQ(y.sizes(), std::vector<int64_t>({5, 1}));
  auto first = seq->ptr<ember::nn::LinearImpl>(0);
  auto last = seq[2]->as<ember::nn::Linear>();
  ASSERT_NE(last, nullptr);
  EXPECT_TRUE(ember::allclose(y, last->forward(ember::relu(first->forward(x)))));
  EXPECT_EQ(keys_of(seq->named_parameters()), (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  EXPECT_EQ(seq->at<ember::nn::LinearImpl>(2).options.out_features(), 1);
  EXPECT_EQ(seq[1]->as<ember::nn::Linear>(), nullptr);
  // Modules by value, holders and shared pointers mix; push_back appends.
  seq->push_back(ember::nn::Functional(ember::sigmoid));
  seq->push_back(std::make_shared<ember::nn::ReLUImpl>());
  EXPECT_EQ(seq->size(), 5u);
  auto z = seq->forward(x);
  EXPECT_TRUE(ember::allclose(z, ember::sigmoid(y)));
  int count = 0;
  for (auto& module : *seq) count += module.ptr() != nullptr;
  EXPECT_EQ(count, 5);
}

TEST(CompatModules, NamedSequential) {
  ember::nn::Sequential seq({{"fc", ember::nn::Linear(2, 3)}, {"act", ember::nn::ReLU()}});
  auto children = seq->named_children();
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[0].key(), "fc");
  EXPECT_EQ(children[1].key(), "act");
  EXPECT_EQ(keys_of(seq->named_parameters()), (std::vector<std::string>{"fc.weight", "fc.bias"}));
  EXPECT_GE(seq->forward(ember::randn({4, 2})).min().item<float>(), 0.f);
}

TEST(CompatModules, AnyModule) {
  ember::nn::AnyModule any(ember::nn::Linear(3, 2));
  auto x = ember::ones({4, 3});
  EXPECT_EQ(any.forward(x).sizes(), std::vector<int64_t>({4, 2}));
  ember::nn::Linear linear = any.get<ember::nn::Linear>();
  EXPECT_EQ(linear->options.in_features(), 3);
  EXPECT_EQ(any.ptr().get(), linear.get());
  EXPECT_EQ(&any.get<ember::nn::LinearImpl>(), linear.get());
  EXPECT_FALSE(any.is_empty());
  EXPECT_EQ(any.type_info().hash_code(), typeid(ember::nn::LinearImpl).hash_code());
  // Argument counts and types are checked at run time.
  EXPECT_THROW(any.forward(x, x), ember::Error);
  EXPECT_THROW(any.forward(), ember::Error);
  EXPECT_THROW(any.forward(3), ember::Error);
  EXPECT_THROW(any.get<ember::nn::ReLUImpl>(), ember::Error);
  ember::nn::AnyModule empty;
  EXPECT_TRUE(empty.is_empty());
  EXPECT_THROW(empty.forward(x), ember::Error);
  // The result comes back as any type forward() returns.
  ember::nn::AnyValue value = any.any_forward(x);
  EXPECT_EQ(value.get<ember::Tensor>().size(1), 2);
  EXPECT_THROW(value.get<int>(), ember::Error);
}

TEST(CompatModules, ForwardWithDefaultArguments) {
  Scale scale;
  auto x = ember::ones({2});
  EXPECT_TRUE(ember::allclose(scale(x), ember::full({2}, 2.0)));
  ember::nn::AnyModule any(scale);
  EXPECT_TRUE(ember::allclose(any.forward(x), ember::full({2}, 2.0)));
  EXPECT_TRUE(ember::allclose(any.forward(x, 3.0), ember::full({2}, 3.0)));
  EXPECT_THROW(any.forward(x, 3.0, 4.0), ember::Error);
  Scale first, second;
  ember::nn::Sequential seq(first, second);
  EXPECT_TRUE(ember::allclose(seq->forward(x), ember::full({2}, 4.0)));
}

TEST(CompatModules, ModuleList) {
  ember::nn::ModuleList list(ember::nn::Linear(3, 4), ember::nn::ReLU());
  list->push_back(ember::nn::Linear(4, 2));
  EXPECT_EQ(list->size(), 3u);
  auto x = ember::randn({2, 3});
  for (const auto& module : *list) {
    if (auto* linear = module->as<ember::nn::Linear>()) {
      x = linear->forward(x);
    } else if (auto* relu = module->as<ember::nn::ReLU>()) {
      x = relu->forward(x);
    }
  }
  EXPECT_EQ(x.sizes(), std::vector<int64_t>({2, 2}));
  EXPECT_EQ(list->ptr<ember::nn::LinearImpl>(2)->options.out_features(), 2);
  EXPECT_EQ(list[1].get(), list->ptr(1).get());
  EXPECT_EQ(keys_of(list->named_parameters()), (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  list->insert(0, ember::nn::Tanh());
  EXPECT_EQ(list->size(), 4u);
  EXPECT_NE(list->ptr<ember::nn::TanhImpl>(0), nullptr);
  EXPECT_THROW(list->ptr(10), ember::Error);
  EXPECT_EQ(list->ptr<ember::nn::LinearImpl>(0), nullptr);
}

TEST(CompatModules, ModuleDict) {
  std::vector<std::pair<std::string, std::shared_ptr<ember::nn::Module>>> modules = {
      {"encoder", std::make_shared<ember::nn::LinearImpl>(4, 2)},
      {"decoder", std::make_shared<ember::nn::LinearImpl>(2, 4)}};
  ember::nn::ModuleDict dict(modules);
  EXPECT_EQ(dict->size(), 2u);
  EXPECT_EQ(dict->keys(), (std::vector<std::string>{"encoder", "decoder"}));
  EXPECT_TRUE(dict->contains("encoder"));
  auto x = ember::randn({3, 4});
  auto y = dict->at<ember::nn::LinearImpl>("decoder").forward(dict->at<ember::nn::LinearImpl>("encoder").forward(x));
  EXPECT_EQ(y.sizes(), std::vector<int64_t>({3, 4}));
  EXPECT_EQ(keys_of(dict->named_parameters()),
            (std::vector<std::string>{"encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"}));
  auto popped = dict->pop("encoder");
  EXPECT_EQ(dict->size(), 1u);
  EXPECT_EQ(popped->as<ember::nn::Linear>()->options.in_features(), 4);
  EXPECT_THROW(dict["encoder"], ember::Error);
}

TEST(CompatModules, ParameterListAndDict) {
  ember::nn::ParameterList list(ember::randn({2}, ember::requires_grad()), ember::randn({3}));
  list->append(ember::zeros({4}));
  EXPECT_EQ(list->size(), 3u);
  EXPECT_EQ(list[2].size(0), 4);
  EXPECT_TRUE(list[0].requires_grad());
  EXPECT_FALSE(list[1].requires_grad());  // requires_grad is kept as given
  EXPECT_EQ(keys_of(list->named_parameters()), (std::vector<std::string>{"0", "1", "2"}));

  ember::nn::ParameterDict dict;
  dict->insert("weight", ember::ones({2, 2}, ember::requires_grad()));
  dict->insert("bias", ember::zeros({2}));
  EXPECT_EQ(dict->keys(), (std::vector<std::string>{"weight", "bias"}));
  EXPECT_TRUE(dict->contains("bias"));
  EXPECT_EQ(dict->get("weight").numel(), 4);
  EXPECT_EQ(dict["bias"].numel(), 2);
  auto bias = dict->pop("bias");
  EXPECT_EQ(bias.numel(), 2);
  EXPECT_EQ(dict->size(), 1u);
  EXPECT_EQ(keys_of(dict->named_parameters()), std::vector<std::string>{"weight"});
}

TEST(CompatModules, ApplyModulesAndTrainingMode) {
  Net net(2, 3, 1);
  EXPECT_EQ(net->modules().size(), 3u);
  EXPECT_EQ(net->modules(/*include_self=*/false).size(), 2u);
  EXPECT_EQ(net->modules()[0].get(), net.get());
  auto named = net->named_modules();
  EXPECT_EQ(named.keys(), (std::vector<std::string>{"", "fc1", "fc2"}));
  EXPECT_EQ(net->children().size(), 2u);

  int linears = 0;
  net->apply([&](ember::nn::Module& module) {
    if (module.as<ember::nn::Linear>()) ++linears;
  });
  EXPECT_EQ(linears, 2);
  std::vector<std::string> names;
  net->apply([&](const std::string& name, ember::nn::Module&) { names.push_back(name); });
  EXPECT_EQ(names, (std::vector<std::string>{"", "fc1", "fc2"}));
  net->apply([](ember::nn::Module& module) {
    if (auto* linear = module.as<ember::nn::Linear>()) ember::nn::init::zeros_(linear->weight);
  });
  EXPECT_EQ(net->fc1->weight.abs().sum().item<float>(), 0.f);

  EXPECT_TRUE(net->is_training());
  net->eval();
  EXPECT_FALSE(net->is_training());
  EXPECT_FALSE(net->fc1->is_training());
  net->train();
  EXPECT_TRUE(net->fc2->is_training());
}

TEST(CompatModules, CloneIsADeepCopy) {
  CloneNet net;
  auto copy = std::dynamic_pointer_cast<CloneNetImpl>(net->clone());
  ASSERT_NE(copy, nullptr);
  auto x = ember::randn({2, 3});
  EXPECT_TRUE(ember::allclose(copy->forward(x), net(x)));
  EXPECT_FALSE(copy->fc->weight.is_same(net->fc->weight));
  EXPECT_NE(copy->fc.get(), net->fc.get());
  EXPECT_TRUE(copy->fc->weight.requires_grad());
  {
    ember::NoGradGuard no_grad;
    copy->fc->weight.fill_(1);
    copy->bias.fill_(5);
  }
  EXPECT_NE(net->fc->weight.sum().item<float>(), 9.f);
  EXPECT_EQ(net->bias.sum().item<float>(), 0.f);
  // The holder member and the registered child are the same module in the copy.
  EXPECT_EQ(copy->named_children()["fc"].get(), copy->fc.get());
  // Containers clone their modules.
  ember::nn::Sequential seq(ember::nn::Linear(2, 2), ember::nn::ReLU());
  auto seq_copy = std::dynamic_pointer_cast<ember::nn::SequentialImpl>(seq->clone());
  ASSERT_NE(seq_copy, nullptr);
  EXPECT_EQ(seq_copy->size(), 2u);
  EXPECT_FALSE(seq_copy->ptr<ember::nn::LinearImpl>(0)->weight.is_same(seq->ptr<ember::nn::LinearImpl>(0)->weight));
  EXPECT_TRUE(
      ember::equal(seq_copy->ptr<ember::nn::LinearImpl>(0)->weight, seq->ptr<ember::nn::LinearImpl>(0)->weight));
  // A module that is not Cloneable says so.
  Net plain(2, 2, 2);
  EXPECT_THROW(plain->clone(), ember::Error);
}

TEST(CompatModules, ZeroGradZeroesAndTrains) {
  Net net(3, 4, 2);
  ember::optim::SGD optimizer(net->parameters(), ember::optim::SGDOptions(0.1));
  auto x = ember::randn({8, 3});
  auto target = ember::randn({8, 2});
  auto loss = ember::nn::functional::mse_loss(net(x), target);
  loss.backward();
  ASSERT_TRUE(net->fc1->weight.grad().defined());
  net->zero_grad();
  ASSERT_TRUE(net->fc1->weight.grad().defined());  // zeroed, not reset (libtorch 1.13)
  EXPECT_EQ(net->fc1->weight.grad().abs().sum().item<float>(), 0.f);
  for (int step = 0; step < 20; ++step) {
    optimizer.zero_grad();
    auto l = ember::nn::functional::mse_loss(net(x), target);
    l.backward();
    optimizer.step();
  }
  EXPECT_LT(ember::nn::functional::mse_loss(net(x), target).item<float>(), loss.item<float>());
}

}  // namespace
