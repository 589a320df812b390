// Copy with dtype conversion, fill and where: the data-movement kernels. Same-dtype
// contiguous copies are memcpy; 2-D copies that swap the memory order (t().contiguous())
// use a cache-blocked transpose split over threads.
#include <cstring>

#include "cpu/dtype_switch.h"
#include "cpu/kernels.h"
#include "cpu/loops.h"

namespace ember {
namespace cpu {
namespace {

// dst (rows, cols) with contiguous rows; src element (r, c) at src + r*rs + c*cs (bytes), where
// rs is the element size, so src is contiguous down a column. Each tile is read column by
// column (whole cache lines) into a small buffer and written out row by row, so every line
// of either matrix is touched once.
template <typename T>
void blocked_transpose(char* dst, int64_t dst_row_stride, const char* src, int64_t src_rs, int64_t src_cs, int64_t rows,
                       int64_t cols) {
  constexpr int64_t kTile = 64;
  const int64_t row_tiles = (rows + kTile - 1) / kTile, col_tiles = (cols + kTile - 1) / kTile;
  parallel_for(0, row_tiles * col_tiles, std::max<int64_t>(1, 16384 / (kTile * kTile)), [&](int64_t tb, int64_t te) {
    T buf[kTile][kTile];
    for (int64_t t = tb; t < te; ++t) {
      int64_t r0 = (t / col_tiles) * kTile, c0 = (t % col_tiles) * kTile;
      int64_t nr = std::min(kTile, rows - r0), nc = std::min(kTile, cols - c0);
      for (int64_t c = 0; c < nc; ++c) {
        const T* s = reinterpret_cast<const T*>(src + r0 * src_rs + (c0 + c) * src_cs);
        for (int64_t r = 0; r < nr; ++r) buf[r][c] = s[r];
      }
      for (int64_t r = 0; r < nr; ++r)
        std::memcpy(dst + (r0 + r) * dst_row_stride + c0 * int64_t(sizeof(T)), buf[r], nc * sizeof(T));
    }
  });
}

template <typename To, typename From>
void convert_loop(const StridedPlan& p) {
  plan_for_each(p, [](char** d, const int64_t* s, int64_t n) {
    if (s[0] == sizeof(To) && s[1] == sizeof(From)) {
      To* o = reinterpret_cast<To*>(d[0]);
      const From* x = reinterpret_cast<const From*>(d[1]);
      for (int64_t i = 0; i < n; ++i) o[i] = convert<To>(x[i]);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<To*>(d[0] + i * s[0]) = convert<To>(*reinterpret_cast<const From*>(d[1] + i * s[1]));
    }
  });
}

}  // namespace

void CpuBackend::copy(const Tensor& dst, const Tensor& src) {
  if (dst.numel() == 0) return;
  StridedPlan p = make_plan({&dst, &src});
  const int64_t esize = static_cast<int64_t>(dst.element_size());
  if (dst.dtype() == src.dtype()) {
    if (p.ndim == 0 || (p.ndim == 1 && p.strides[0][0] == esize && p.strides[0][1] == esize)) {
      char* d = p.data[0];
      const char* s = p.data[1];
      parallel_for(0, p.numel, 1 << 18,
                   [&](int64_t b, int64_t e) { std::memcpy(d + b * esize, s + b * esize, (e - b) * esize); });
      return;
    }
    // A transpose: dst walks dim 0 contiguously, src walks dim 1 contiguously.
    if (p.ndim == 2 && p.strides[0][0] == esize && p.strides[1][1] == esize && p.strides[0][1] != esize) {
      auto run = [&](auto tag) {
        using T = typename decltype(tag)::type;
        blocked_transpose<T>(p.data[0], p.strides[1][0], p.data[1], p.strides[1][1], p.strides[0][1], p.sizes[1],
                             p.sizes[0]);
      };
      switch (esize) {
        case 1:
          run(TypeTag<uint8_t>{});
          return;
        case 2:
          run(TypeTag<uint16_t>{});
          return;
        case 4:
          run(TypeTag<uint32_t>{});
          return;
        case 8:
          run(TypeTag<uint64_t>{});
          return;
      }
    }
  }
  switch_dtype(dst.dtype(), "copy_", [&](auto to) {
    switch_dtype(src.dtype(), "copy_",
                 [&](auto from) { convert_loop<typename decltype(to)::type, typename decltype(from)::type>(p); });
  });
}

void CpuBackend::fill(const Tensor& dst, const Scalar& value) {
  if (dst.numel() == 0) return;
  StridedPlan p = make_plan({&dst});
  switch_dtype(dst.dtype(), "fill_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T v;
    if (value.is_floating_point())
      v = convert<T>(value.to<double>());
    else if (value.is_bool())
      v = convert<T>(value.to<bool>());
    else
      v = convert<T>(value.to<int64_t>());
    plan_for_each(p, [v](char** d, const int64_t* s, int64_t n) {
      if (s[0] == sizeof(T)) {
        T* o = reinterpret_cast<T*>(d[0]);
        for (int64_t i = 0; i < n; ++i) o[i] = v;
      } else {
        for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(d[0] + i * s[0]) = v;
      }
    });
  });
}

void CpuBackend::where(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  if (out.numel() == 0) return;
  StridedPlan p = make_plan({&out, &cond, &a, &b});
  switch_dtype(out.dtype(), "where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    plan_for_each(p, [](char** d, const int64_t* s, int64_t n) {
      auto* out = reinterpret_cast<T*>(d[0]);
      const auto* c = reinterpret_cast<const bool*>(d[1]);
      const auto* a = reinterpret_cast<const T*>(d[2]);
      const auto* b = reinterpret_cast<const T*>(d[3]);
      constexpr auto kT = static_cast<int64_t>(sizeof(T));
      // Dense lines, with b dense or a scalar (ReLU's backward is where(x > 0, g, 0)), run as
      // plain indexed loops the compiler vectorises; anything else walks the strides.
      if (s[0] == kT && s[1] == 1 && s[2] == kT && (s[3] == kT || s[3] == 0)) {
        if (s[3] == 0) {
          const T other = *b;
          for (int64_t i = 0; i < n; ++i) out[i] = c[i] ? a[i] : other;
        } else {
          for (int64_t i = 0; i < n; ++i) out[i] = c[i] ? a[i] : b[i];
        }
        return;
      }
      for (int64_t i = 0; i < n; ++i) {
        bool ci = *reinterpret_cast<const bool*>(d[1] + i * s[1]);
        *reinterpret_cast<T*>(d[0] + i * s[0]) =
            ci ? *reinterpret_cast<const T*>(d[2] + i * s[2]) : *reinterpret_cast<const T*>(d[3] + i * s[3]);
      }
    });
  });
}

}  // namespace cpu
}  // namespace ember
