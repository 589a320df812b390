// The exceptions ember throws for user errors: Error and one subclass per kind of mistake.
// Every public entry point throws only these (never a bare std:: exception).
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>

namespace ember {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
};
class ShapeError : public Error {
 public:
  using Error::Error;
};
class IndexError : public Error {
 public:
  using Error::Error;
};
class TypeError : public Error {
 public:
  using Error::Error;
};
class DeviceError : public Error {
 public:
  using Error::Error;
};
class ValueError : public Error {
 public:
  using Error::Error;
};
// An allocator could not serve a request (PyTorch's OutOfMemoryError). The byte counts are the
// allocator's at the time: requested, held by live tensors, and reserved (live plus cached).
class OutOfMemoryError : public Error {
 public:
  explicit OutOfMemoryError(const std::string& msg, size_t requested = 0, size_t allocated = 0, size_t reserved = 0)
      : Error(msg), requested_(requested), allocated_(allocated), reserved_(reserved) {}
  size_t requested_bytes() const { return requested_; }
  size_t allocated_bytes() const { return allocated_; }
  size_t reserved_bytes() const { return reserved_; }

 private:
  size_t requested_, allocated_, reserved_;
};
// Misuse of autograd: backward through a freed graph, a non-scalar output without a gradient, a
// tensor that does not require grad, an in-place op on a leaf or a view of one, a saved tensor
// modified before backward, autograd::grad of an unused input, anomaly mode finding NaN.
class AutogradError : public Error {
 public:
  using Error::Error;
};

}  // namespace ember
