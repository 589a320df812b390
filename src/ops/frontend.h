// Helpers shared by the op front ends: making tensors and views, dims, broadcasting,
// result dtypes and the device checks every op does before dispatch.
#pragma once
#include <initializer_list>
#include <vector>

#include "backend/backend.h"
#include "core/check.h"
#include "core/tensor_impl.h"
#include "ember/tensor.h"

namespace ember {

// A 0-dim CPU tensor holding a Scalar, marked as a wrapped number for type promotion.
Tensor wrap_scalar(const Scalar& s, DType dtype);

// ValueError unless value fits dtype (Scalar::fits): libtorch's "value cannot be converted to
// type ... without overflow" for a number written into a tensor (fill_, full, masked_fill, ...).
void check_fits(const Scalar& value, DType dtype, const char* op);
// wrap_scalar after check_fits: a number that will be written into a tensor of dtype.
Tensor wrap_checked(const Scalar& value, DType dtype, const char* op);

// dim in [-ndim, ndim) -> [0, ndim); IndexError naming the op otherwise.
int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op);
// Sorted, unique, wrapped dims; an empty list means all dims.
std::vector<bool> dim_mask(const DimList& dims, int64_t ndim, const char* op);

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
// PyTorch's result_type: dimensioned tensors outrank 0-dim tensors, which outrank wrapped
// Scalars, and a lower rank only matters when it has a higher category (bool < int < float).
DType result_type(std::initializer_list<const Tensor*> tensors);

void check_defined(const Tensor& t, const char* op);
// All tensors on one device, except 0-dim CPU tensors (scalars), which may join any device.
Device common_device(std::initializer_list<const Tensor*> tensors, const char* op);
// Throws when t has elements that share memory (an expanded tensor) and is written to.
void check_writable(const Tensor& t, const char* op);
bool is_wrapped(const Tensor& t);

// t broadcast to shape as a stride-0 view (t itself when it already has that shape).
inline Tensor expand_to(const Tensor& t, const Shape& shape) { return t.sizes() == shape ? t : t.expand(shape); }

// t converted to dtype (a no-op when it already has it).
Tensor to_dtype(const Tensor& t, DType dtype);

}  // namespace ember
