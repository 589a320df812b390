// Tests of ember::optim (SGD, Adam, AdamW, their state dicts, StepLR, CosineAnnealingLR) and
// nn::utils::clip_grad_norm_. Expected values come from libtorch 1.13 and from PyTorch's
// scheduler formulas; each table says how it was produced.
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "helpers.h"

using namespace ember;
using namespace ember::optim;
using ember_test::expect_values;
using ember_test::with_gaps;

namespace {

using Maker = std::function<std::unique_ptr<Optimizer>(std::vector<Tensor>)>;
template <typename O, typename Options>
Maker maker(Options options) {
  return [options](std::vector<Tensor> params) -> std::unique_ptr<Optimizer> {
    return std::make_unique<O>(std::move(params), options);
  };
}

Tensor values(const std::vector<double>& v, DType dtype, Shape shape) { return from_vector(v, shape).to(dtype); }

// The fixed problem of the reference program: p0 (2, 3) and p1 (4,) with grad = (p - target) *
// coef, and no grad for p1 at step index 2 (skipped: its state must not advance either).
struct Problem {
  Tensor p0, p1, t0, c0, t1, c1;
  explicit Problem(DType dt)
      : p0(values({0.5, -1.25, 2.0, -0.75, 1.5, 0.1}, dt, {2, 3}).requires_grad_()),
        p1(values({1.0, -2.0, 0.25, 3.0}, dt, {4}).requires_grad_()),
        t0(values({0.1, 0.2, -0.3, 0.4, -0.5, 0.6}, dt, {2, 3})),
        c0(values({1.0, 2.0, 0.5, 3.0, 0.25, 4.0}, dt, {2, 3})),
        t1(values({-1.0, 0.5, 0.0, 2.0}, dt, {4})),
        c1(values({0.75, 1.5, 2.5, 0.125}, dt, {4})) {}

  // gapped: gradients laid out with NaN gaps, which sends the update to the tensor-op fallback.
  Tensor run(const Maker& make, bool gapped, int steps = 5) {
    std::unique_ptr<Optimizer> opt = make({p0, p1});
    for (int step = 0; step < steps; ++step) {
      Tensor g0 = (p0.detach() - t0) * c0, g1 = (p1.detach() - t1) * c1;
      p0.mutable_grad() = gapped ? with_gaps(g0) : g0;
      p1.mutable_grad() = step == 2 ? Tensor() : gapped ? with_gaps(g1) : g1;
      opt->step();
    }
    return cat({p0.detach().flatten(), p1.detach()});
  }
};

struct Reference {
  const char* name;
  Maker make;
  std::vector<double> float64, float32;  // p0 then p1 after 5 steps
};

// From a libtorch 1.13 program (torch::optim::SGD / Adam / AdamW with the same options, the same
// Problem, grads set through mutable_grad()) printing the parameters with %.17g; float32 values
// here rounded to 9 significant digits.
Reference ref(const char* name, Maker make, std::vector<double> float64, std::vector<double> float32) {
  return {name, std::move(make), std::move(float64), std::move(float32)};
}

const std::vector<Reference>& references() {
  static const std::vector<Reference> refs = {
      ref("sgd_plain", maker<SGD>(SGDOptions(0.1)),
          {0.33619600000000005, -0.275136, 1.47969615625, 0.20671950000000003, 1.2621913867187498, 0.56112,
           0.46418828124999995, -0.8050156249999999, 0.0791015625, 2.9509297119140623},
          {0.336195976, -0.275135994, 1.47969615, 0.206719518, 1.26219141, 0.561120033, 0.464188278, -0.805015683,
           0.0791015625, 2.95092988}),
      ref("sgd_momentum", maker<SGD>(SGDOptions(0.1).momentum(0.9)),
          {0.08833600000000001, 1.0416090000000005, 0.6594586562499999, 1.2950220000000001, 0.8807573242187499, 0.9645,
           -0.20735234375000014, 0.6707031250000001, -0.1246640625, 2.8890353759765626},
          {0.0883360133, 1.04160905, 0.659458637, 1.29502189, 0.880757391, 0.96450001, -0.207352325, 0.670703173,
           -0.124664046, 2.88903546}),
      ref("sgd_dampening", maker<SGD>(SGDOptions(0.1).momentum(0.9).dampening(0.5)),
          {0.20120725000000003, 0.6134240000000002, 1.0764186035156251, 1.1409773437500002, 1.0839033679199217,
           1.0261200000000001, 0.12639384765624984, 0.03295117187500009, -0.056885742187500005, 2.9228399444580075},
          {0.20120728, 0.613423884, 1.07641864, 1.14097726, 1.08390331, 1.02612007, 0.126393884, 0.0329511724,
           -0.0568857379, 2.92283988}),
      ref("sgd_nesterov", maker<SGD>(SGDOptions(0.05).momentum(0.8).nesterov(true)),
          {0.26590131884, 0.13765528496000007, 1.2570700553728125, 0.5940984820050002, 1.160800787857617, 0.7326972928,
           0.28585604382812496, -0.39312062656249985, 0.018150097656249982, 2.9351501769555663},
          {0.265901297, 0.137655333, 1.25706995, 0.594098568, 1.1608007, 0.732697368, 0.285856038, -0.393120617,
           0.0181500856, 2.93515015}),
      ref("sgd_weight_decay", maker<SGD>(SGDOptions(0.1).weight_decay(0.1)),
          {0.31934788655, -0.25276645747499993, 1.4012840504, 0.20925127402500004, 1.1969675868343752,
           0.5506658693900001, 0.43707426000000005, -0.76036992, 0.07496644, 2.8356519216015625},
          {0.319347858, -0.25276646, 1.40128398, 0.209251285, 1.1969676, 0.550665855, 0.437074244, -0.760369897,
           0.0749664456, 2.83565187}),
      ref("adam_default", maker<Adam>(AdamOptions(0.01)),
          {0.45012675417093617, -1.2000312170636092, 1.9500193656032085, -0.7000398104621826, 1.4500223631908957,
           0.14990170501489364, 0.9600116201909021, -1.9600092407725, 0.2101138415109193, 2.960023942742033},
          {0.450126767, -1.20003128, 1.95001948, -0.700039804, 1.45002234, 0.149901703, 0.960011601, -1.96000934,
           0.210113838, 2.96002388}),
      ref("adam_weight_decay", maker<Adam>(AdamOptions(0.05).betas({0.8, 0.95}).eps(1e-6).weight_decay(0.1)),
          {0.2575857950281602, -1.0014284872041945, 1.7508633809804213, -0.5018890533994471, 1.2510691159811802,
           0.3441614980049152, 0.80054487570566, -1.8004046223213888, 0.058348460345594384, 2.8005431336841706},
          {0.257585764, -1.00142837, 1.75086331, -0.50188899, 1.25106919, 0.34416151, 0.800544918, -1.80040455,
           0.0583484508, 2.80054307}),
      ref("adam_amsgrad", maker<Adam>(AdamOptions(0.1).amsgrad(true)),
          {0.0446108048214182, -0.7545709798653204, 1.5024701148462216, -0.2564140577436174, 1.002955790380829,
           0.572185551209458, 0.6015048970062745, -1.6011384096454941, -0.09313812561956086, 2.603939092199169},
          {0.0446107909, -0.754571021, 1.50247014, -0.256413996, 1.00295579, 0.572185516, 0.601504803, -1.60113835,
           -0.093138136, 2.60393929}),
      ref("adamw_default", maker<AdamW>(AdamWOptions(0.01)),
          {0.4498875101610102, -1.199416742380702, 1.9490299589879148, -0.6996751917085178, 1.4492828540205775,
           0.1498418467727369, 0.959617797965463, -1.9592155484706462, 0.2100201890434175, 2.9588308811523554},
          {0.449887484, -1.19941652, 1.94902992, -0.699675143, 1.44928277, 0.149841845, 0.959617794, -1.95921552,
           0.210020155, 2.95883083}),
      ref("adamw_amsgrad", maker<AdamW>(AdamWOptions(0.1).betas({0.5, 0.9}).weight_decay(0.2).amsgrad(true)),
          {0.08857761483374241, -0.6710839383761142, 1.3417014578893405, -0.22347303400741714, 0.8908622749699804,
           0.5041257429289616, 0.5417527585209168, -1.4635630591794473, -0.0407687152820946, 2.4044789756831526},
          {0.0885776356, -0.671083927, 1.34170139, -0.223472998, 0.890862465, 0.504125774, 0.541752875, -1.4635632,
           -0.0407687128, 2.40447903}),
  };
  return refs;
}

// One optimizer of each kind with every branch of its update on (weight decay, nesterov, amsgrad).
const std::vector<Maker>& variants() {
  static const std::vector<Maker> makers = {
      maker<SGD>(SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(0.01)),
      maker<Adam>(AdamOptions(0.05).amsgrad(true).weight_decay(0.1)),
      maker<AdamW>(AdamWOptions(0.05).betas({0.8, 0.9}).amsgrad(true))};
  return makers;
}

// get_last_lr() after construction (index 0) and after each step(), and the optimizer's lr.
void expect_lr_sequence(LRScheduler& sched, const Optimizer& opt, const std::vector<double>& expected) {
  for (size_t i = 0; i < expected.size(); ++i) {
    if (i > 0) sched.step();
    EXPECT_NEAR(sched.get_last_lr(), expected[i], 1e-12) << "epoch " << i;
    EXPECT_EQ(opt.lr(), sched.get_last_lr());
  }
}

}  // namespace

// ---------------------------------------------------------------- update rules
// Both paths: the fused kernel, and tensor ops for gradients with gaps. The compiler may fuse
// a * b + c into one FMA differently in the two (-march=native), so they agree to an ulp or two.
TEST(Optim, MatchesLibtorchOnFusedAndFallbackPaths) {
  for (const Reference& ref : references()) {
    SCOPED_TRACE(ref.name);
    for (DType dt : {kFloat64, kFloat32}) {
      Tensor fused = Problem(dt).run(ref.make, false), fallback = Problem(dt).run(ref.make, true);
      expect_values(fused, dt == kFloat64 ? ref.float64 : ref.float32, dt == kFloat64 ? 1e-12 : 1e-6);
      expect_values(fallback, fused.to_vector<double>(), dt == kFloat64 ? 1e-15 : 3e-7);
    }
  }
}

// Tensors above the parallel grain (split over the thread pool), and float16 through float.
TEST(Optim, LargeAndHalfTensorsMatchFallback) {
  for (const Maker& make : variants()) {
    for (auto [dt, n] : {std::pair<DType, int64_t>{kFloat32, 100003}, {kFloat64, 70001}, {kFloat16, 1000}}) {
      SCOPED_TRACE(dtype_name(dt));
      Tensor init = linspace(-2.0, 3.0, n, kFloat64).to(dt), results[2];
      for (int gapped = 0; gapped < 2; ++gapped) {
        Tensor w = init.clone().requires_grad_();
        std::unique_ptr<Optimizer> opt = make({w});
        for (int step = 0; step < 3; ++step) {
          Tensor g = (w.detach() * 0.5 - 0.25).sin();
          w.mutable_grad() = gapped ? with_gaps(g) : g;
          opt->step();
        }
        results[gapped] = w.detach();
      }
      expect_values(results[1], results[0].to_vector<double>(), dt == kFloat16 ? 1e-3 : 1e-6);
    }
  }
}

TEST(Optim, SkipsParametersWithoutGradAndKeysItsState) {
  Problem pr(kFloat64);
  Tensor unused = zeros({3}, kFloat64).requires_grad_();
  Adam opt({pr.p0, pr.p1, unused}, AdamOptions(0.1).amsgrad(true));
  for (int step = 0; step < 3; ++step) {
    pr.p0.mutable_grad() = ones({2, 3}, kFloat64);
    pr.p1.mutable_grad() = step == 1 ? Tensor() : ones({4}, kFloat64);
    opt.step();
  }
  std::map<std::string, Tensor> sd = opt.state_dict();
  std::string keys;
  for (const auto& kv : sd) keys += kv.first + " ";
  EXPECT_EQ(keys,
            "param_groups.0.amsgrad param_groups.0.beta1 param_groups.0.beta2 param_groups.0.eps param_groups.0.lr "
            "param_groups.0.params param_groups.0.weight_decay state.0.exp_avg state.0.exp_avg_sq "
            "state.0.max_exp_avg_sq state.0.step state.1.exp_avg state.1.exp_avg_sq state.1.max_exp_avg_sq "
            "state.1.step ");  // nothing for the parameter that never had a gradient
  EXPECT_EQ(sd["state.0.step"].item<int64_t>(), 3);
  EXPECT_EQ(sd["state.1.step"].item<int64_t>(), 2);
  EXPECT_EQ(sd["state.0.step"].dtype(), kInt64);
  EXPECT_EQ(sd["state.0.step"].dim(), 0);
  EXPECT_EQ(sd["param_groups.0.lr"].dtype(), kFloat64);
  EXPECT_EQ(sd["param_groups.0.amsgrad"].dtype(), kBool);
  EXPECT_FALSE(sd["state.0.exp_avg"].is_alias_of(pr.p0));  // a snapshot
  expect_values(unused, {0, 0, 0});
}

TEST(Optim, ZeroGradAndParametersMovedByModuleTo) {
  auto linear = std::make_shared<nn::LinearImpl>(3, 2);
  Adam opt(linear->parameters(), AdamOptions(0.1));
  linear->forward(ones({4, 3})).sum().backward();
  opt.step();
  opt.zero_grad();  // zeroes by default (libtorch 1.13)
  expect_values(linear->bias.grad(), {0, 0});
  opt.zero_grad(/*set_to_none=*/true);
  EXPECT_FALSE(linear->bias.grad().defined());
  linear->to(kFloat64);  // in place: the optimizer's state follows its parameters
  linear->forward(ones({4, 3}, kFloat64)).sum().backward();
  opt.step();
  EXPECT_EQ(opt.state_dict().at("state.1.exp_avg").dtype(), kFloat64);
}

// The fused path allocates its state once, at the first step, and nothing per step after it.
TEST(Optim, FusedStepAllocatesNothingPerStep) {
  for (const Maker& make : variants()) {
    Tensor w = linspace(-1.0, 1.0, 50000).requires_grad_();
    w.mutable_grad() = full({50000}, 0.5);
    std::unique_ptr<Optimizer> opt = make({w});
    opt->step();
    const int64_t storages = memory::live_storages();
    const uint64_t version = w._version();
    for (int step = 0; step < 5; ++step) opt->step();
    EXPECT_EQ(memory::live_storages(), storages) << opt->name();
    EXPECT_EQ(w._version(), version + 5) << opt->name();
  }
}

// ---------------------------------------------------------------- state dict
TEST(Optim, StateDictResumeIsBitIdentical) {
  const std::string path = ::testing::TempDir() + "ember_test_optim_state.safetensors";
  for (const Maker& make : variants()) {
    for (DType dt : {kFloat32, kFloat64}) {
      Tensor init = linspace(-1.0, 1.0, 12, dt).view({3, 4}), target = init.cos() * 2;
      auto train = [&](Optimizer& opt, int steps) {
        for (int step = 0; step < steps; ++step) {
          opt.zero_grad();
          Tensor w = opt.parameters()[0];
          ((w - target).square() * (w + 2)).sum().backward();
          opt.step();
        }
      };
      Tensor straight = init.clone().requires_grad_();
      std::unique_ptr<Optimizer> a = make({straight});
      SCOPED_TRACE(a->name() + " " + dtype_name(dt));
      train(*a, 7);

      Tensor first = init.clone().requires_grad_();
      std::unique_ptr<Optimizer> b = make({first});
      train(*b, 3);
      save_safetensors(path, b->state_dict());
      Tensor resumed = first.detach().clone().requires_grad_();
      std::unique_ptr<Optimizer> c = make({resumed});
      c->set_lr(123.0);  // replaced by the loaded value
      c->load_state_dict(load_safetensors(path));
      EXPECT_EQ(c->lr(), a->lr());
      train(*c, 4);
      EXPECT_EQ(resumed.to_vector<double>(), straight.to_vector<double>());
    }
  }
  std::remove(path.c_str());
}

TEST(Optim, LoadStateDictValidates) {
  Tensor w = ones({2, 3}).requires_grad_();
  Adam opt({w}, AdamOptions(0.1));
  w.mutable_grad() = ones({2, 3});
  opt.step();
  const std::map<std::string, Tensor> good = opt.state_dict();
  // good with key set to value (or removed when value is undefined) must be refused with message.
  auto rejects = [&](const std::string& key, const Tensor& value, const std::string& message) {
    SCOPED_TRACE(key);
    std::map<std::string, Tensor> sd = good;
    if (value.defined())
      sd[key] = value;
    else
      sd.erase(key);
    EXPECT_THROW_MSG(opt.load_state_dict(sd), ValueError, message);
  };
  rejects("state.0.exp_avg_sq", {}, "Adam.load_state_dict: missing key 'state.0.exp_avg_sq'");
  rejects("param_groups.0.eps", {}, "missing key 'param_groups.0.eps'");
  rejects("state.0.momentum_buffer", ones({2, 3}), "unexpected key 'state.0.momentum_buffer'");
  rejects("param_groups.0.momentum", tensor(0.9), "unexpected key 'param_groups.0.momentum'");
  rejects("state.3.exp_avg", ones({2, 3}), "key 'state.3.exp_avg' names parameter 3 but the optimizer has 1");
  rejects("state.0.exp_avg", ones({6}), "key 'state.0.exp_avg' has shape [6] but parameter 0 has shape [2, 3]");
  rejects("param_groups.0.lr", ones({2}), "key 'param_groups.0.lr' has shape [2], expected a 0-dim tensor");
  rejects("param_groups.0.params", arange(2), "key 'param_groups.0.params' lists 2 parameters but the optimizer has 1");
  rejects("param_groups.0.beta1", tensor(1.5), "Invalid beta parameter at index 0: 1.5");
  // amsgrad turned on without its buffer: rejected, and the old hyperparameters stay.
  std::map<std::string, Tensor> sd = good;
  sd["param_groups.0.amsgrad"] = tensor(true);
  sd["param_groups.0.lr"] = tensor(0.5);
  EXPECT_THROW_MSG(opt.load_state_dict(sd), ValueError, "missing key 'state.0.max_exp_avg_sq'");
  EXPECT_FALSE(opt.options().amsgrad());
  EXPECT_EQ(opt.lr(), 0.1);
}

TEST(Optim, OptionAndGradientErrors) {
  Tensor w = ones({4}).requires_grad_();
  EXPECT_THROW_MSG(SGD({w}, SGDOptions(-0.1)), ValueError, "SGD: Invalid learning rate: -0.1");
  EXPECT_THROW_MSG(SGD({w}, SGDOptions(0.1).momentum(-1)), ValueError, "SGD: Invalid momentum value: -1");
  EXPECT_THROW_MSG(SGD({w}, SGDOptions(0.1).weight_decay(-1)), ValueError, "SGD: Invalid weight_decay value: -1");
  EXPECT_THROW_MSG(SGD({w}, SGDOptions(0.1).nesterov(true)), ValueError, "SGD: Nesterov momentum requires a momentum");
  EXPECT_THROW_MSG(SGD({w}, SGDOptions(0.1).momentum(0.9).dampening(0.1).nesterov(true)), ValueError,
                   "and zero dampening");
  EXPECT_THROW_MSG(Adam({w}, AdamOptions(-1)), ValueError, "Adam: Invalid learning rate: -1");
  EXPECT_THROW_MSG(Adam({w}, AdamOptions().eps(-1e-8)), ValueError, "Adam: Invalid epsilon value: -1e-08");
  EXPECT_THROW_MSG(Adam({w}, AdamOptions().betas({1.0, 0.9})), ValueError, "Adam: Invalid beta parameter at index 0");
  EXPECT_THROW_MSG(AdamW({w}, AdamWOptions().betas({0, 1.0})), ValueError, "AdamW: Invalid beta parameter at index 1");
  EXPECT_THROW_MSG(AdamW({w}, AdamWOptions().weight_decay(-0.5)), ValueError, "AdamW: Invalid weight_decay value");
  EXPECT_THROW_MSG(Adam({}, AdamOptions()), ValueError, "Adam: optimizer got an empty parameter list");
  EXPECT_THROW_MSG(SGD({arange(3)}, SGDOptions(0.1)), TypeError, "SGD: parameter 0 has dtype int64");
  EXPECT_THROW_MSG(SGD({w * 2}, SGDOptions(0.1)), ValueError, "SGD: parameter 0 is not a leaf tensor");

  Tensor v = ones({2, 3}).requires_grad_();
  Adam opt({w, v}, AdamOptions());
  EXPECT_THROW_MSG(opt.set_lr(-1), ValueError, "Adam: Invalid learning rate: -1");
  w.mutable_grad() = ones({4});
  v.mutable_grad() = ones({3});
  EXPECT_THROW_MSG(opt.step(), ShapeError, "Adam: parameter 1: grad has shape [3] but the parameter has shape [2, 3]");
  expect_values(w, {1, 1, 1, 1});  // checked before anything is updated
  v.mutable_grad() = ones({2, 3}, kFloat64);
  EXPECT_THROW_MSG(opt.step(), TypeError,
                   "Adam: parameter 1: grad has dtype float64 but the parameter has dtype float32");
}

// ---------------------------------------------------------------- schedulers
// Expected sequences: get_lr() of torch/optim/lr_scheduler.py (chainable forms) evaluated in
// Python 3.11 with one param group and printed with repr(); index 0 is after construction.
TEST(Scheduler, StepLRMatchesPyTorch) {
  Tensor w = ones({1}).requires_grad_();
  SGD opt({w}, SGDOptions(0.1));
  StepLR sched(opt, 3, 0.5);
  expect_lr_sequence(sched, opt, {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125});
  EXPECT_THROW_MSG(StepLR(opt, 0), ValueError, "StepLR: step_size must be positive, got 0");
}

TEST(Scheduler, CosineAnnealingLRMatchesPyTorch) {
  // T_max 4 over 12 epochs: down to eta_min, then up again through the (epoch - 1 - T_max) % (2 T_max) branch.
  Tensor w = ones({1}).requires_grad_();
  Adam opt({w}, AdamOptions(0.1));
  CosineAnnealingLR sched(opt, 4, 0.001);
  expect_lr_sequence(sched, opt,
                     {0.1, 0.0855017856687341, 0.0505, 0.0154982143312659, 0.001, 0.015498214331265896,
                      0.05050000000000001, 0.08550178566873413, 0.10000000000000003, 0.08550178566873413,
                      0.05050000000000003, 0.015498214331265945, 0.001});
  EXPECT_THROW_MSG(CosineAnnealingLR(opt, 0), ValueError, "CosineAnnealingLR: T_max must be positive, got 0");
}

// ---------------------------------------------------------------- clip_grad_norm_
// Expected values: torch::nn::utils::clip_grad_norm_ of libtorch 1.13 on the same gradients,
// printed with %.17g (float32 rounded to 9 digits).
TEST(ClipGradNorm, MatchesLibtorch) {
  // (norm_type, dtype, total norm, grads of a then b clipped with max_norm 1)
  using Case = std::tuple<double, DType, double, std::vector<double>>;
  const std::vector<Case> cases = {
      Case(2.0, kFloat64, 4.7641893329295808,
           {0.10494962733626588, -0.26237406834066468, 0.41979850934506352, -0.15742444100439881, 0.31484888200879763,
            0.020989925467253177, 0.20989925467253176, -0.41979850934506352, 0.05247481366813294, 0.62969776401759525}),
      Case(2.0, kFloat32, 4.76418924,
           {0.104949631, -0.262374073, 0.419798523, -0.15742445, 0.3148489, 0.0209899265, 0.209899262, -0.419798523,
            0.0524748154, 0.6296978}),
      Case(INFINITY, kFloat64, 3.0,
           {0.16666661111112963, -0.41666652777782409, 0.6666664444445185, -0.24999991666669444, 0.49999983333338888,
            0.033333322222225924, 0.33333322222225925, -0.6666664444445185, 0.083333305555564813, 0.99999966666677775}),
      Case(INFINITY, kFloat32, 3.0,
           {0.166666612, -0.416666538, 0.666666448, -0.249999911, 0.499999821, 0.0333333239, 0.333333224, -0.666666448,
            0.083333306, 0.999999642}),
  };
  const std::vector<double> ga = {0.5, -1.25, 2.0, -0.75, 1.5, 0.1}, gb = {1.0, -2.0, 0.25, 3.0};
  std::vector<double> unchanged = ga;
  unchanged.insert(unchanged.end(), gb.begin(), gb.end());
  for (const auto& [norm_type, dtype, expected_total, clipped] : cases) {
    SCOPED_TRACE(std::to_string(norm_type) + " " + dtype_name(dtype));
    const double tol = dtype == kFloat64 ? 1e-12 : 1e-6;
    for (double max_norm : {1.0, 100.0}) {
      Tensor a = zeros({2, 3}, dtype).requires_grad_(), b = zeros({4}, dtype).requires_grad_();
      Tensor no_grad = zeros({2}, dtype).requires_grad_();
      a.mutable_grad() = values(ga, dtype, {2, 3});
      b.mutable_grad() = values(gb, dtype, {4});
      Tensor total = nn::utils::clip_grad_norm_({a, b, no_grad}, max_norm, norm_type);
      EXPECT_EQ(total.dim(), 0);
      EXPECT_EQ(total.dtype(), dtype);
      EXPECT_NEAR(total.item<double>(), expected_total, tol * expected_total);
      expect_values(cat({a.grad().flatten(), b.grad()}), max_norm == 1.0 ? clipped : unchanged, tol);
      EXPECT_FALSE(no_grad.grad().defined());
    }
  }
  EXPECT_EQ(nn::utils::clip_grad_norm_({zeros({2}).requires_grad_()}, 1.0).item<double>(), 0.0);
}
