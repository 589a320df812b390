// IValue: one value of the kinds a custom autograd Function keeps in ctx->saved_data (libtorch's
// c10::IValue, the subset that holds data): a tensor, a number, a bool, a string, or a list of
// tensors, ints or doubles. The toX() accessors throw TypeError naming what it holds instead.
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "ember/error.h"
#include "ember/tensor.h"

namespace ember {

class IValue {
 public:
  IValue() = default;  // None
  /* implicit */ IValue(Tensor t) : value_(std::move(t)) {}
  /* implicit */ IValue(double d) : value_(d) {}
  /* implicit */ IValue(int64_t i) : value_(i) {}
  /* implicit */ IValue(int i) : value_(static_cast<int64_t>(i)) {}
  /* implicit */ IValue(bool b) : value_(b) {}
  /* implicit */ IValue(std::string s) : value_(std::move(s)) {}
  /* implicit */ IValue(const char* s) : value_(std::string(s)) {}
  /* implicit */ IValue(std::vector<Tensor> v) : value_(std::move(v)) {}
  /* implicit */ IValue(std::vector<int64_t> v) : value_(std::move(v)) {}
  /* implicit */ IValue(std::vector<double> v) : value_(std::move(v)) {}

  bool isNone() const noexcept { return value_.index() == 0; }
  bool isTensor() const noexcept { return std::holds_alternative<Tensor>(value_); }
  bool isDouble() const noexcept { return std::holds_alternative<double>(value_); }
  bool isInt() const noexcept { return std::holds_alternative<int64_t>(value_); }
  bool isBool() const noexcept { return std::holds_alternative<bool>(value_); }
  bool isString() const noexcept { return std::holds_alternative<std::string>(value_); }
  bool isTensorList() const noexcept { return std::holds_alternative<std::vector<Tensor>>(value_); }
  bool isIntList() const noexcept { return std::holds_alternative<std::vector<int64_t>>(value_); }
  bool isDoubleList() const noexcept { return std::holds_alternative<std::vector<double>>(value_); }

  const Tensor& toTensor() const { return get<Tensor>("Tensor"); }
  // An int converts, as in libtorch.
  double toDouble() const { return isInt() ? static_cast<double>(std::get<int64_t>(value_)) : get<double>("Double"); }
  int64_t toInt() const { return get<int64_t>("Int"); }
  bool toBool() const { return get<bool>("Bool"); }
  const std::string& toStringRef() const { return get<std::string>("String"); }
  const std::vector<Tensor>& toTensorVector() const { return get<std::vector<Tensor>>("TensorList"); }
  const std::vector<int64_t>& toIntVector() const { return get<std::vector<int64_t>>("IntList"); }
  const std::vector<double>& toDoubleVector() const { return get<std::vector<double>>("DoubleList"); }

  // "None", "Tensor", "Double", "Int", "Bool", "String", "TensorList", "IntList" or "DoubleList".
  const char* tagKind() const noexcept {
    static const char* const kinds[] = {"None",   "Tensor",     "Double",  "Int",       "Bool",
                                        "String", "TensorList", "IntList", "DoubleList"};
    return kinds[value_.index()];
  }

 private:
  template <typename T>
  const T& get(const char* wanted) const {
    if (const T* v = std::get_if<T>(&value_)) return *v;
    throw TypeError(std::string("IValue: expected ") + wanted + " but got " + tagKind());
  }

  std::variant<std::monostate, Tensor, double, int64_t, bool, std::string, std::vector<Tensor>, std::vector<int64_t>,
               std::vector<double>>
      value_;
};

}  // namespace ember
