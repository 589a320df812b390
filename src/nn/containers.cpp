// The module containers (Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict),
// Functional, and the errors of ModuleHolder, AnyValue and AnyModule.
#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <ostream>
#include <sstream>

#include "core/check.h"
#include "ember/nn/modules/functional.h"
#include "ember/nn/modules/moduledict.h"
#include "ember/nn/modules/modulelist.h"
#include "ember/nn/modules/parameterdict.h"
#include "ember/nn/modules/parameterlist.h"
#include "ember/nn/modules/sequential.h"

namespace ember {
namespace nn {
namespace detail {

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> readable(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return status == 0 && readable ? std::string(readable.get()) : std::string(mangled);
}

void throw_empty_module_holder(const char* contained_type) {
  EMBER_FAIL(ValueError,
             "Accessing empty ModuleHolder<{}>: it was created with nullptr; assign it a module (for example with "
             "register_module) before using it",
             demangle(contained_type));
}

void throw_any_argument_count(const std::string& module_name, size_t expected_min, size_t expected_max, size_t received,
                              bool has_default_args) {
  if (has_default_args)
    EMBER_FAIL(TypeError,
               "{}'s forward() method expects at least {} argument(s) and at most {} argument(s), but received {}.",
               module_name, expected_min, expected_max, received);
  EMBER_FAIL(TypeError,
             "{0}'s forward() method expects {1} argument(s), but received {2}. If {0}'s forward() method has "
             "default arguments, please make sure the forward() method is declared with a corresponding "
             "`FORWARD_HAS_DEFAULT_ARGS` macro.",
             module_name, expected_max, received);
}

void throw_any_argument_type(size_t index, const std::type_info& expected, const std::type_info& received) {
  EMBER_FAIL(TypeError, "Expected argument #{} to be of type {}, but received value of type {}", index,
             demangle(expected.name()), demangle(received.name()));
}

void throw_any_module(const std::string& message) { throw ValueError(message); }

void throw_container_index(const char* container, size_t index, size_t size) {
  EMBER_FAIL(IndexError, "{}: index {} is out of range for {} modules", container, index, size);
}

void throw_container_type(const char* container, const std::type_info& actual, const std::type_info& requested) {
  EMBER_FAIL(TypeError, "{}: requested a module of type {}, but it is of type {}", container,
             demangle(requested.name()), demangle(actual.name()));
}

void throw_sequential_result(const std::type_info& actual, const std::type_info& requested) {
  EMBER_FAIL(TypeError, "Sequential: forward() was asked for a {}, but its last module returned a {}",
             demangle(requested.name()), demangle(actual.name()));
}

}  // namespace detail

// ---- Sequential

SequentialImpl::SequentialImpl(OrderedDict<std::string, AnyModule>&& ordered_dict) {
  modules_.reserve(ordered_dict.size());
  for (auto& item : ordered_dict) push_back(item.key(), std::move(item.value()));
}

SequentialImpl::SequentialImpl(std::initializer_list<NamedAnyModule> named_modules) {
  modules_.reserve(named_modules.size());
  for (const auto& named : named_modules) push_back(named.name(), named.module());
}

void SequentialImpl::push_back(std::string name, AnyModule any_module) {
  register_module(std::move(name), any_module.ptr());
  modules_.push_back(std::move(any_module));
}

std::shared_ptr<Module> SequentialImpl::clone(const std::optional<Device>& device) const {
  // Unlike libtorch's, the copy keeps the modules' names (they are the state_dict's keys).
  auto copy = std::make_shared<SequentialImpl>();
  std::vector<std::string> names = children_.keys();
  const bool named = names.size() == modules_.size();
  for (size_t i = 0; i < modules_.size(); ++i)
    copy->push_back(named ? names[i] : std::to_string(i), modules_[i].clone(device));
  if (!is_training()) copy->eval();
  return copy;
}

// ---- ModuleList

void ModuleListImpl::push_back(std::shared_ptr<Module> module) {
  EMBER_ENSURE(module != nullptr, ValueError, "ModuleList::push_back: the module is null");
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

void ModuleListImpl::insert(size_t index, std::shared_ptr<Module> module) {
  EMBER_ENSURE(index <= modules_.size(), IndexError, "ModuleList::insert: index {} is out of range for {} modules",
               index, modules_.size());
  EMBER_ENSURE(module != nullptr, ValueError, "ModuleList::insert: the module is null");
  modules_.insert(modules_.begin() + static_cast<std::ptrdiff_t>(index), std::move(module));
  children_.clear();
  for (size_t i = 0; i < modules_.size(); ++i) register_module(std::to_string(i), modules_[i]);
}

std::shared_ptr<Module> ModuleListImpl::clone(const std::optional<Device>& device) const {
  auto copy = std::make_shared<ModuleListImpl>();
  for (const auto& module : modules_) copy->push_back(module->clone(device));
  if (!is_training()) copy->eval();
  return copy;
}

// ---- ModuleDict

void ModuleDictImpl::insert(const std::string& key, std::shared_ptr<Module> module) {
  EMBER_ENSURE(module != nullptr, ValueError, "ModuleDict: the module for '{}' is null", key);
  if (std::shared_ptr<Module>* existing = modules_.find(key)) {
    *existing = module;
    replace_module(key, std::move(module));
  } else {
    register_module(key, module);
    modules_.insert(key, std::move(module));
  }
}

std::shared_ptr<Module> ModuleDictImpl::pop(const std::string& key) {
  std::shared_ptr<Module> module = modules_[key];
  modules_.erase(key);
  children_.erase(key);
  return module;
}

void ModuleDictImpl::clear() {
  modules_.clear();
  children_.clear();
}

std::shared_ptr<Module> ModuleDictImpl::clone(const std::optional<Device>& device) const {
  auto copy = std::make_shared<ModuleDictImpl>();
  for (const auto& item : modules_) copy->insert(item.key(), item.value()->clone(device));
  if (!is_training()) copy->eval();
  return copy;
}

// ---- ParameterList and ParameterDict

namespace {

std::string describe_parameters(const OrderedDict<std::string, Tensor>& parameters) {
  std::ostringstream out;
  for (const auto& item : parameters) {
    const Tensor& t = item.value();
    out << "(" << item.key() << "): Parameter containing: [" << dtype_name(t.dtype()) << " of size "
        << fmt::format("{}", fmt::join(t.sizes(), "x")) << (t.is_cuda() ? " (GPU)" : "") << "]\n";
  }
  return out.str();
}

Tensor cloned_parameter(const Tensor& t, const std::optional<Device>& device) {
  Tensor data = device && t.device() != *device ? t.detach().to(*device) : t.detach().clone();
  return data.requires_grad_(t.requires_grad());
}

}  // namespace

void ParameterListImpl::append(Tensor param) {
  const bool requires_grad = param.defined() && param.requires_grad();
  register_parameter(std::to_string(parameters_.size()), std::move(param), requires_grad);
}

void ParameterListImpl::insert(size_t index, Tensor param) {
  EMBER_ENSURE(index <= parameters_.size(), IndexError,
               "ParameterList::insert: index {} is out of range for {} parameters", index, parameters_.size());
  std::vector<Tensor> all = parameters_.values();
  all.insert(all.begin() + static_cast<std::ptrdiff_t>(index), std::move(param));
  parameters_.clear();
  for (auto& t : all) append(std::move(t));
}

std::shared_ptr<Module> ParameterListImpl::clone(const std::optional<Device>& device) const {
  NoGradGuard no_grad;
  auto copy = std::make_shared<ParameterListImpl>();
  for (const auto& item : parameters_) copy->append(cloned_parameter(item.value(), device));
  return copy;
}

std::string ParameterListImpl::extra_repr() const { return describe_parameters(parameters_); }

void ParameterDictImpl::insert(const std::string& key, Tensor param) {
  const bool requires_grad = param.defined() && param.requires_grad();
  if (Tensor* existing = parameters_.find(key)) {
    *existing = std::move(param);
    if (existing->defined()) existing->requires_grad_(requires_grad);
  } else {
    register_parameter(key, std::move(param), requires_grad);
  }
}

Tensor ParameterDictImpl::pop(const std::string& key) {
  Tensor param = parameters_[key];
  parameters_.erase(key);
  return param;
}

std::shared_ptr<Module> ParameterDictImpl::clone(const std::optional<Device>& device) const {
  NoGradGuard no_grad;
  auto copy = std::make_shared<ParameterDictImpl>();
  for (const auto& item : parameters_) copy->insert(item.key(), cloned_parameter(item.value(), device));
  return copy;
}

std::string ParameterDictImpl::extra_repr() const { return describe_parameters(parameters_); }

// ---- Functional

FunctionalImpl::FunctionalImpl(Function function) : function_(std::move(function)) {
  EMBER_ENSURE(static_cast<bool>(function_), ValueError, "Functional: the function is empty");
}

void FunctionalImpl::pretty_print(std::ostream& stream) const { stream << "Functional()"; }

Tensor FunctionalImpl::forward(Tensor input) { return function_(std::move(input)); }

}  // namespace nn
}  // namespace ember
