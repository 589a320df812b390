// Reducers (identity + combine) and the vectorised reduction of a contiguous run, shared by
// the reduction kernels and the line kernels (softmax). combine is written once for scalars
// and GCC vector types alike, so the same rule (NaN propagation included) runs in both.
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace ember {
namespace cpu {

template <typename A>
struct SumR {
  static A identity() { return A(0); }
  template <typename V>
  static V combine(V a, V x) {
    return a + x;
  }
};
template <typename A>
struct ProdR {
  static A identity() { return A(1); }
  template <typename V>
  static V combine(V a, V x) {
    if constexpr (std::is_same<V, bool>::value)
      return a && x;
    else
      return a * x;
  }
};
// x != x is the NaN test; bitwise | keeps the expression valid for vectors.
template <typename A>
struct MaxR {
  static A identity() {
    return std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity()
                                                : std::numeric_limits<A>::lowest();
  }
  template <typename V>
  static V combine(V a, V x) {
    if constexpr (std::is_same<V, bool>::value)
      return a || x;
    else
      return ((x > a) | (x != x)) ? x : a;
  }
};
template <typename A>
struct MinR {
  static A identity() {
    return std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity() : std::numeric_limits<A>::max();
  }
  template <typename V>
  static V combine(V a, V x) {
    if constexpr (std::is_same<V, bool>::value)
      return a && x;
    else
      return ((x < a) | (x != x)) ? x : a;
  }
};
template <typename A>
struct AllR {
  static A identity() { return A(1); }
  template <typename V>
  static V combine(V a, V x) {
    return a && x;
  }
};
template <typename A>
struct AnyR {
  static A identity() { return A(0); }
  template <typename V>
  static V combine(V a, V x) {
    return a || x;
  }
};

template <typename A>
constexpr bool kVectorizable = std::is_arithmetic<A>::value && !std::is_same<A, bool>::value && sizeof(A) >= 4;

// R over q[0, n): four 64-byte vector accumulators, then a pairwise fold of the lanes.
template <class R, typename A>
A reduce_contiguous(const A* q, int64_t n) {
  static_assert(kVectorizable<A>, "vector reduction needs a 4- or 8-byte arithmetic type");
  typedef A V __attribute__((vector_size(64)));
  constexpr int64_t W = 64 / sizeof(A);
  V acc[4];
  for (auto& v : acc)
    for (int64_t j = 0; j < W; ++j) v[j] = R::identity();
  int64_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W)
    for (int k = 0; k < 4; ++k) {
      V x;
      std::memcpy(&x, q + i + k * W, sizeof(V));
      acc[k] = R::combine(acc[k], x);
    }
  for (; i + W <= n; i += W) {
    V x;
    std::memcpy(&x, q + i, sizeof(V));
    acc[0] = R::combine(acc[0], x);
  }
  V v = R::combine(R::combine(acc[0], acc[1]), R::combine(acc[2], acc[3]));
  A lanes[W];
  std::memcpy(lanes, &v, sizeof(V));
  for (int64_t w = W / 2; w > 0; w /= 2)
    for (int64_t j = 0; j < w; ++j) lanes[j] = R::combine(lanes[j], lanes[j + w]);
  A r = lanes[0];
  for (; i < n; ++i) r = R::combine(r, q[i]);
  return r;
}

}  // namespace cpu
}  // namespace ember
