// Printing: Tensor::to_string and operator<< give PyTorch's Python repr, e.g. "tensor([[1., 2.],\n        [3., 4.]])",
// following torch/_tensor_str.py (precision 4, threshold 1000, edgeitems 3, linewidth 80).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "ember/ember.h"

namespace ember {
namespace {

constexpr int64_t kThreshold = 1000;  // more elements than this are summarised with "..."
constexpr int64_t kEdgeItems = 3;     // elements kept at each end of a summarised dim
constexpr int64_t kLineWidth = 80;
constexpr int64_t kIndent = 7;  // strlen("tensor(")

// The elements that are shown: along every dim longer than 2 * kEdgeItems, the first and last kEdgeItems
// (torch's get_summarized_data). Copies stay on t's device, so a large tensor never comes to the CPU whole.
Tensor summarized_data(const Tensor& t) {
  Tensor r = t.detach();
  for (int64_t d = 0; d < r.dim(); ++d) {
    const int64_t n = r.size(d);
    if (n <= 2 * kEdgeItems) continue;
    Shape s = r.sizes();
    s[d] = 2 * kEdgeItems;
    Tensor out = empty(s, TensorOptions().dtype(r.dtype()).device(r.device()));
    out.narrow(d, 0, kEdgeItems).copy_(r.narrow(d, 0, kEdgeItems));
    out.narrow(d, kEdgeItems, kEdgeItems).copy_(r.narrow(d, n - kEdgeItems, kEdgeItems));
    r = out;
  }
  return r;
}

// torch's _Formatter for floating tensors: integers print as "1." (int mode); a wide range of magnitudes
// (max / min > 1000, max > 1e8, or min < 1e-4 outside int mode) switches to "1.0000e+00"; else "1.0000".
// Only nonzero finite values choose the mode and the width; every element is then padded to that width.
class FloatFormatter {
 public:
  explicit FloatFormatter(const std::vector<double>& values) {
    std::vector<double> vals;
    for (double v : values)
      if (std::isfinite(v) && v != 0) vals.push_back(v);
    if (vals.empty()) return;
    double lo = std::abs(vals[0]), hi = lo;
    for (double v : vals) {
      lo = std::min(lo, std::abs(v));
      hi = std::max(hi, std::abs(v));
      if (v != std::ceil(v)) int_mode_ = false;
    }
    sci_mode_ = hi / lo > 1000.0 || hi > 1.0e8 || (!int_mode_ && lo < 1.0e-4);
    for (double v : vals) {
      size_t len = sci_mode_   ? fmt::format("{:.4e}", v).size()
                   : int_mode_ ? fmt::format("{:.0f}", v).size() + 1
                               : fmt::format("{:.4f}", v).size();
      width_ = std::max(width_, len);
    }
  }
  size_t width() const { return width_; }
  std::string format(double v) const {
    if (std::isnan(v)) return "nan";  // Python prints a negative NaN as "nan" too
    if (sci_mode_) return fmt::format("{:.4e}", v);
    if (int_mode_) return fmt::format("{:.0f}", v) + (std::isinf(v) ? "" : ".");
    return fmt::format("{:.4f}", v);
  }

 private:
  bool int_mode_ = true;
  bool sci_mode_ = false;
  size_t width_ = 1;
};

// Every shown element as text, left-padded to one common width.
std::vector<std::string> format_cells(const Tensor& data, size_t* width) {
  std::vector<std::string> cells;
  *width = 1;
  if (data.is_floating_point()) {
    std::vector<double> values = data.to_vector<double>();
    FloatFormatter f(values);
    *width = f.width();
    cells.reserve(values.size());
    for (double v : values) cells.push_back(f.format(v));
  } else {
    std::vector<int64_t> values = data.to_vector<int64_t>();
    const bool is_bool = data.dtype() == kBool;
    cells.reserve(values.size());
    for (int64_t v : values) {
      cells.push_back(is_bool ? (v ? "True" : "False") : fmt::format("{}", v));
      *width = std::max(*width, cells.back().size());
    }
  }
  for (auto& c : cells)
    if (c.size() < *width) c.insert(0, *width - c.size(), ' ');
  return cells;
}

// Lays out the shown elements (row-major over `shown`) in nested brackets like torch's
// _tensor_str_with_formatter. `sizes` are the original sizes: a dim gets "..." when summarising and its
// original size exceeds 2 * kEdgeItems.
class Layout {
 public:
  Layout(const Shape& sizes, const Shape& shown, const std::vector<std::string>& cells, size_t width, bool summarize)
      : sizes_(sizes), shown_(shown), cells_(cells), width_(width), summarize_(summarize) {
    strides_.assign(shown.size(), 1);
    for (int64_t d = static_cast<int64_t>(shown.size()) - 2; d >= 0; --d) strides_[d] = strides_[d + 1] * shown[d + 1];
  }

  std::string block(size_t d, int64_t offset, int64_t indent) const {
    const bool ellipsis = summarize_ && sizes_[d] > 2 * kEdgeItems;
    if (d + 1 == shown_.size()) return vector(offset, indent, ellipsis);
    const std::string sep = "," + std::string(shown_.size() - d - 1, '\n') + std::string(indent + 1, ' ');
    std::string out = "[";
    for (int64_t i = 0; i < shown_[d]; ++i) {
      if (i > 0) out += sep;
      if (ellipsis && i == kEdgeItems) out += "..." + sep;
      out += block(d + 1, offset + i * strides_[d], indent + 1);
    }
    return out + "]";
  }

 private:
  // The last dim: elements joined by ", ", wrapped so that a line holds (linewidth - indent) / (width + 2).
  std::string vector(int64_t offset, int64_t indent, bool ellipsis) const {
    const int64_t element_length = static_cast<int64_t>(width_) + 2;
    const int64_t per_line = std::max<int64_t>(1, (kLineWidth - indent) / element_length);
    std::vector<std::string> items;
    for (int64_t i = 0; i < shown_.back(); ++i) {
      if (ellipsis && i == kEdgeItems) items.emplace_back(" ...");
      items.push_back(cells_[offset + i]);
    }
    const std::string line_sep = ",\n" + std::string(indent + 1, ' ');
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out += (static_cast<int64_t>(i) % per_line == 0) ? line_sep : ", ";
      out += items[i];
    }
    return out + "]";
  }

  const Shape& sizes_;
  const Shape& shown_;
  const std::vector<std::string>& cells_;
  size_t width_;
  bool summarize_;
  std::vector<int64_t> strides_;
};

// The values part of the repr: "[[1., 2.],\n        [3., 4.]]" or "3.5000" for a 0-dim tensor.
std::string values_str(const Tensor& t) {
  const bool summarize = t.numel() > kThreshold;
  Tensor data = summarize ? summarized_data(t) : t;
  size_t width = 1;
  std::vector<std::string> cells = format_cells(data, &width);
  if (t.dim() == 0) return cells[0];
  return Layout(t.sizes(), data.sizes(), cells, width, summarize).block(0, 0, kIndent);
}

std::string shape_tuple(const Shape& s) {
  std::string out = "(";
  for (size_t i = 0; i < s.size(); ++i) out += (i > 0 ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

// torch's _add_suffixes: ", suffix" on the last line, or on a new indented line when it would pass the
// line width (the length of the last line is counted as torch counts it).
std::string add_suffixes(const std::string& body, const std::vector<std::string>& suffixes) {
  const size_t nl = body.rfind('\n');
  int64_t last_line_len =
      static_cast<int64_t>(body.size()) - (nl == std::string::npos ? -1 : static_cast<int64_t>(nl)) + 1;
  std::string out = "tensor(" + body;
  for (const auto& suffix : suffixes) {
    const int64_t len = static_cast<int64_t>(suffix.size());
    if (last_line_len + len + 2 > kLineWidth) {
      out += ",\n" + std::string(kIndent, ' ') + suffix;
      last_line_len = kIndent + len;
    } else {
      out += ", " + suffix;
      last_line_len += len + 2;
    }
  }
  return out + ")";
}

}  // namespace

std::string Tensor::to_string() const {
  if (!defined()) return "[ Tensor (undefined) ]";
  std::vector<std::string> suffixes;
  const Device dev = device();
  if (!dev.is_cpu()) suffixes.push_back(fmt::format("device='cuda:{}'", std::max(dev.index(), 0)));
  const DType dt = dtype();
  std::string body;
  if (numel() == 0) {
    // No elements to tell an int64 tensor from a float32 one, so only float32 goes without a dtype.
    if (dim() != 1) suffixes.push_back("size=" + shape_tuple(sizes()));
    if (dt != kFloat32) suffixes.push_back("dtype=" + dtype_name(dt));
    body = "[]";
  } else {
    if (dt != kFloat32 && dt != kInt64 && dt != kBool) suffixes.push_back("dtype=" + dtype_name(dt));
    body = values_str(*this);
  }
  return add_suffixes(body, suffixes);
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << t.to_string(); }

}  // namespace ember
