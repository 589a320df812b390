// NumPy .npy files: save_npy writes format 1.0 (2.0 for huge headers), little-endian, C order;
// load_npy reads formats 1.0-3.0, C or Fortran order, either endianness. The header dict is
// parsed by hand; every malformed or truncated file throws ValueError naming the path.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <utility>

#include "ember/factory.h"
#include "ember/io.h"
#include "ember/ops.h"
#include "io/byte_order.h"
#include "ops/frontend.h"

namespace ember {
namespace {

constexpr char kMagic[] = "\x93NUMPY";  // 6 bytes, then major and minor version bytes
constexpr size_t kMagicLen = 6;
constexpr size_t kAlign = 64;
constexpr int kMaxNpyDims = 32;  // NumPy's NPY_MAXDIMS; ember's kernels take as many (backend/strided.h)  // NumPy pads
                                 // the header so the data starts on a 64-byte boundary

using io::kHostLittleEndian;
using io::swap_bytes;

// NumPy type strings without the byte-order character, indexed by DType (BFloat16 has none).
constexpr const char* kNpyKind[kNumDTypes] = {"f4", "f8", "f2", "", "i4", "i8", "u1", "b1"};
static_assert(static_cast<int>(kFloat16) == 2 && static_cast<int>(kBool) == 7, "kNpyKind follows DType's order");
const char* npy_kind(DType d) { return kNpyKind[static_cast<int>(d)]; }

// The parsed header dict: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
struct Header {
  std::string descr;
  bool fortran_order = false;
  Shape shape;
};

// A tiny parser for the Python literal NumPy writes as the header. Errors name the path.
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

  Header parse() {
    Header h;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (true) {
      skip_ws();
      if (peek() == '}') break;
      std::string key = parse_string();
      expect(':');
      if (key == "descr") {
        skip_ws();
        EMBER_ENSURE(peek() == '\'' || peek() == '"', ValueError,
                     "load_npy: {}: unsupported dtype (structured dtypes are not supported)", path_);
        h.descr = parse_string();
        seen_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = parse_bool();
        seen_order = true;
      } else if (key == "shape") {
        h.shape = parse_shape();
        seen_shape = true;
      } else {
        fail("unexpected key '" + key + "'");
      }
      skip_ws();
      if (peek() == ',') {
        ++pos_;
      } else {
        expect('}');
        --pos_;  // leave '}' for the loop test
      }
    }
    EMBER_ENSURE(seen_descr && seen_order && seen_shape, ValueError,
                 "load_npy: {}: bad header: it must have the keys 'descr', 'fortran_order' and 'shape'", path_);
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    std::string shown = s_.substr(0, s_.find_last_not_of(" \n") + 1);  // without the padding
    EMBER_FAIL(ValueError, "load_npy: {}: bad header: {} at offset {} in \"{}\"", path_, what, pos_, shown);
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string parse_string() {
    skip_ws();
    char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string out = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return out;
  }
  bool parse_bool() {
    skip_ws();
    if (s_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      return true;
    }
    if (s_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      return false;
    }
    fail("expected True or False for 'fortran_order'");
  }
  int64_t parse_int() {
    skip_ws();
    int64_t v = 0;
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s_[pos_] - '0', &v))
        fail("dimension too large");
      ++pos_;
    }
    if (pos_ == start) fail("expected a non-negative integer dimension");
    if (peek() == 'L') ++pos_;  // Python 2 long literals
    return v;
  }
  Shape parse_shape() {
    Shape shape;
    expect('(');
    while (true) {
      skip_ws();
      if (peek() == ')') break;
      shape.push_back(parse_int());
      skip_ws();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != ')') {
        fail("expected ',' or ')' in 'shape'");
      }
    }
    ++pos_;
    return shape;
  }

  const std::string& s_;
  const std::string& path_;
  size_t pos_ = 0;
};

// Maps a NumPy type string such as '<f4' or '|b1' to a dtype; sets `swap` when its byte order
// differs from the host's.
DType parse_descr(const std::string& descr, const std::string& path, bool* swap) {
  EMBER_ENSURE(descr.size() >= 2, ValueError, "load_npy: {}: unsupported dtype '{}'", path, descr);
  char order = descr[0];
  std::string kind = descr.substr(1);
  EMBER_ENSURE(order == '<' || order == '>' || order == '|' || order == '=', ValueError,
               "load_npy: {}: unsupported dtype '{}' (unknown byte order '{}')", path, descr, order);
  for (int i = 0; i < kNumDTypes; ++i) {
    DType d = static_cast<DType>(i);
    if (kind == npy_kind(d)) {
      bool file_little = order == '<' || ((order == '=' || order == '|') && kHostLittleEndian);
      *swap = element_size(d) > 1 && file_little != kHostLittleEndian;
      return d;
    }
  }
  EMBER_FAIL(ValueError, "load_npy: {}: unsupported dtype '{}' (ember reads f2, f4, f8, i4, i8, u1 and b1 arrays)",
             path, descr);
}

uint32_t read_le(const unsigned char* p, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace

void save_npy(const std::string& path, const Tensor& t) {
  check_defined(t, "save_npy");
  EMBER_ENSURE(t.dtype() != kBFloat16, TypeError,
               "save_npy: {}: bfloat16 tensors cannot be saved as .npy (NumPy has no bfloat16 dtype); "
               "convert with .to(kFloat32) first",
               path);
  Tensor c = t.to(Device(kCPU)).contiguous();

  std::string shape = "(";
  for (size_t i = 0; i < c.sizes().size(); ++i) shape += fmt::format("{}{}", i ? ", " : "", c.sizes()[i]);
  if (c.sizes().size() == 1) shape += ",";
  shape += ")";
  char order = c.element_size() == 1 ? '|' : '<';
  std::string header =
      fmt::format("{{'descr': '{}{}', 'fortran_order': False, 'shape': {}, }}", order, npy_kind(c.dtype()), shape);
  // Pad with spaces and end with '\n' so that magic + version + length + header is 64-aligned;
  // format 2.0 (a 4-byte length) only when the padded header does not fit in 2 bytes.
  auto padded_len = [&](size_t prefix) {
    size_t total = prefix + header.size() + 1;
    return header.size() + 1 + (kAlign - total % kAlign) % kAlign;
  };
  const bool v2 = padded_len(kMagicLen + 2 + 2) > 65535;
  header.append(padded_len(kMagicLen + 2 + (v2 ? 4 : 2)) - header.size() - 1, ' ');
  header.push_back('\n');

  std::string pre(kMagic, kMagicLen);
  pre.push_back(static_cast<char>(v2 ? 2 : 1));
  pre.push_back(0);
  for (size_t i = 0; i < (v2 ? 4u : 2u); ++i) pre.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  EMBER_ENSURE(out.is_open(), ValueError, "save_npy: {}: cannot open for writing ({})", path, std::strerror(errno));
  out.write(pre.data(), static_cast<std::streamsize>(pre.size()));
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  size_t nbytes = static_cast<size_t>(c.numel()) * c.element_size();
  if (nbytes > 0) {
    const char* data = c.impl()->data();
    if (kHostLittleEndian || c.element_size() == 1) {
      out.write(data, static_cast<std::streamsize>(nbytes));
    } else {
      std::string buf(data, nbytes);
      swap_bytes(&buf[0], buf.size(), c.element_size());
      out.write(buf.data(), static_cast<std::streamsize>(nbytes));
    }
  }
  out.close();
  EMBER_ENSURE(!out.fail(), ValueError, "save_npy: {}: write failed ({})", path, std::strerror(errno));
}

Tensor load_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  EMBER_ENSURE(in.is_open(), ValueError, "load_npy: {}: cannot open file ({})", path, std::strerror(errno));
  const std::streamoff end = in.tellg();  // a directory opens but has no size
  std::error_code ec;
  EMBER_ENSURE(end >= 0 && !std::filesystem::is_directory(path, ec), ValueError, "load_npy: {}: not a readable file",
               path);
  const uint64_t file_size = static_cast<uint64_t>(end);
  in.seekg(0);

  unsigned char pre[kMagicLen + 2 + 4] = {};
  in.read(reinterpret_cast<char*>(pre), kMagicLen + 2);
  EMBER_ENSURE(in.gcount() == static_cast<std::streamsize>(kMagicLen + 2) && std::memcmp(pre, kMagic, kMagicLen) == 0,
               ValueError, "load_npy: {}: not a .npy file (bad magic string)", path);
  const int major = pre[kMagicLen], minor = pre[kMagicLen + 1];
  EMBER_ENSURE((major == 1 || major == 2 || major == 3) && minor == 0, ValueError,
               "load_npy: {}: unsupported .npy format version {}.{} (ember reads 1.0, 2.0 and 3.0)", path, major,
               minor);
  const size_t len_bytes = major == 1 ? 2 : 4;
  in.read(reinterpret_cast<char*>(pre + kMagicLen + 2), static_cast<std::streamsize>(len_bytes));
  EMBER_ENSURE(in.gcount() == static_cast<std::streamsize>(len_bytes), ValueError,
               "load_npy: {}: truncated file (header length missing)", path);
  const uint64_t header_len = read_le(pre + kMagicLen + 2, len_bytes);
  const uint64_t data_start = kMagicLen + 2 + len_bytes + header_len;
  EMBER_ENSURE(data_start <= file_size, ValueError,
               "load_npy: {}: truncated file (header says {} bytes, the file has {})", path, header_len,
               file_size - (kMagicLen + 2 + len_bytes));
  std::string text(header_len, '\0');
  in.read(&text[0], static_cast<std::streamsize>(header_len));
  EMBER_ENSURE(in.gcount() == static_cast<std::streamsize>(header_len), ValueError,
               "load_npy: {}: truncated file (cannot read the header)", path);

  Header h = HeaderParser(text, path).parse();
  bool swap = false;
  DType dtype = parse_descr(h.descr, path, &swap);
  const size_t width = element_size(dtype);
  EMBER_ENSURE(h.shape.size() <= static_cast<size_t>(kMaxNpyDims), ValueError,
               "load_npy: {}: shape {} has {} dims; NumPy and ember allow at most {}", path, h.shape.str(),
               h.shape.size(), kMaxNpyDims);
  // The product of the nonzero dims must fit int64 too: it bounds the strides of an empty array.
  uint64_t numel = 1, nonzero = 1, nbytes = 0;
  bool too_large = false;
  for (int64_t d : h.shape) {
    numel *= static_cast<uint64_t>(d);  // wraps only when `nonzero` overflows, which is caught
    if (d > 0) too_large |= __builtin_mul_overflow(nonzero, static_cast<uint64_t>(d), &nonzero);
  }
  too_large |= nonzero > INT64_MAX || __builtin_mul_overflow(numel, static_cast<uint64_t>(width), &nbytes);
  EMBER_ENSURE(!too_large, ValueError, "load_npy: {}: shape {} is too large", path, h.shape.str());
  EMBER_ENSURE(nbytes <= file_size - data_start, ValueError,
               "load_npy: {}: truncated data: shape {} of {} needs {} bytes, the file has {}", path, h.shape.str(),
               h.descr, nbytes, file_size - data_start);

  // Fortran order: the bytes are a C-order array of the reversed shape, viewed back transposed.
  Shape stored = h.shape;
  if (h.fortran_order) std::reverse(stored.begin(), stored.end());
  Tensor t = empty_tensor(stored, dtype, Device(kCPU));
  char* data = t.impl()->data();
  if (nbytes > 0) {
    in.read(data, static_cast<std::streamsize>(nbytes));
    EMBER_ENSURE(static_cast<uint64_t>(in.gcount()) == nbytes, ValueError,
                 "load_npy: {}: truncated data (read {} of {} bytes)", path, in.gcount(), nbytes);
  }
  if (swap) swap_bytes(data, static_cast<size_t>(numel) * width, width);
  if (dtype == kBool)  // any nonzero byte is true; ember's bool storage holds only 0 and 1
    for (uint64_t i = 0; i < numel; ++i) data[i] = data[i] != 0;
  if (!h.fortran_order || h.shape.size() < 2) return t;
  Shape strides = contiguous_strides(stored);
  std::reverse(strides.begin(), strides.end());
  return make_view(t, Layout(h.shape, strides, 0)).contiguous();
}

}  // namespace ember
