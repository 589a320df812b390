// The CPU's dtype switch: switch_dtype<Set>(dtype, op, fn) calls fn(TypeTag<T>{}) with T the
// host element type (backend/dtype_switch.h has the one table; acc_t and convert, the compute
// type and the conversions, are backend/convert.h's).
#pragma once
#include <type_traits>
#include <utility>

#include "backend/convert.h"
#include "backend/dtype_switch.h"

namespace ember {
namespace cpu {

struct CpuTypes {
  template <DType D>
  using of = typename HostType<D>::type;
};

template <DTypeSet Set = DTypeSet::All, typename Fn>
void switch_dtype(DType d, const char* op, Fn&& fn) {
  switch_dtype_of<CpuTypes, Set>(d, op, "cpu", std::forward<Fn>(fn));
}

}  // namespace cpu
}  // namespace ember
