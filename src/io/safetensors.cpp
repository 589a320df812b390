// Hugging Face .safetensors files: save_safetensors writes the bytes the Python `safetensors`
// package writes (Note [safetensors layout]); load_safetensors and load_safetensors_metadata
// validate the header as that package does, and a little more strictly, so every malformed or
// truncated file throws ValueError naming the file and the tensor.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ember/factory.h"
#include "ember/io.h"
#include "ember/ops.h"
#include "io/byte_order.h"
#include "ops/frontend.h"

namespace ember {
namespace {

using json = nlohmann::json;

// Note [safetensors layout]
// A file is: N as a little-endian u64, N bytes of JSON header, then the data buffer. What the
// Python package writes comes from the Rust crate (safetensors/src/tensor.rs, `prepare`):
// - tensors are laid out back to back in the data buffer, sorted by the Rust `Dtype` enum
//   descending, then by name (byte order); the enum runs BOOL, U8, I8, F8_E5M2, F8_E4M3, I16,
//   U16, F16, BF16, I32, U32, F32, F64, I64, U64, so ember's dtypes go
//   I64, F64, F32, I32, BF16, F16, U8, BOOL;
// - the header is compact serde_json: "__metadata__" first when there is metadata, then the
//   tensors in data order, each {"dtype":..,"shape":[..],"data_offsets":[begin,end]}; serde
//   escapes only '"', '\' and control characters (\b \t \n \f \r, else \u00xx), as nlohmann does;
// - the header is padded with spaces to a multiple of 8 bytes.
// On load (`read_metadata`, `Metadata::validate`) the header is at most 100,000,000 bytes and the
// tensors, sorted by offsets, must tile the data buffer exactly: no gap, no overlap, no trailing
// bytes. The package writes its metadata from a HashMap, so with several keys their order is
// arbitrary; ember writes them sorted.
constexpr uint64_t kMaxHeaderLen = 100000000;
constexpr int kMaxDepth = 4;  // root object > tensor entry > shape array; deeper is never valid

// Name and position in the Rust Dtype enum of each ember dtype, indexed by DType.
struct StDType {
  const char* name;
  int rank;
};
constexpr StDType kStDType[kNumDTypes] = {{"F32", 11}, {"F64", 12}, {"F16", 7}, {"BF16", 8},
                                          {"I32", 9},  {"I64", 13}, {"U8", 1},  {"BOOL", 0}};
static_assert(static_cast<int>(kFloat32) == 0 && static_cast<int>(kBool) == 7, "kStDType follows DType's order");
const StDType& st_dtype(DType d) { return kStDType[static_cast<int>(d)]; }

using io::kHostLittleEndian;
using io::swap_bytes;

// Errors name the function and the file: "load_safetensors: m.safetensors: ...".
struct Where {
  const char* op;
  const std::string& path;
  template <typename... Args>
  [[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) const {
    EMBER_FAIL(ValueError, "{}: {}: {}", op, path, fmt::format(f, std::forward<Args>(args)...));
  }
};

// JSON text of v for an error message, cut short when long.
std::string shown(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// A JSON string literal as serde_json writes it; the text must be valid UTF-8.
std::string json_string(const std::string& s, const Where& w, const char* what) {
  try {
    return json(s).dump();
  } catch (const json::exception&) {
    w.fail("{} is not valid UTF-8", what);
  }
}

// Called with each top-level member of the header, in file order, as soon as it is complete.
using OnMember = std::function<void(const std::string& name, const json& value)>;

// Reads the header in one SAX pass. Each top-level member's value is built as a small JSON tree
// and handed to `on_member` as soon as it closes, so only one member is held at a time and the
// work is linear in the header's size. (nlohmann's callback parser rescanned each object's
// parent when it closed, which made n tensors take O(n^2) time; a DOM of the whole header costs
// hundreds of bytes per tensor.) Duplicate keys, which nlohmann would resolve by keeping the last,
// are found by hashing the root's (one per tensor) and sorting each inner object's when it
// closes; nesting deeper than a header has is rejected.
class HeaderReader : public json::json_sax_t {
 public:
  HeaderReader(const Where& w, OnMember on_member) : w_(w), on_member_(std::move(on_member)) {}

  // After the parse: a root that is not an object fails, showing it.
  void finish() const {
    if (!root_is_object_) w_.fail("invalid header: expected a JSON object, got {}", shown(root_));
  }

  bool null() override { return add(json(nullptr)); }
  bool boolean(bool v) override { return add(json(v)); }
  bool number_integer(json::number_integer_t v) override { return add(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) override { return add(json(v)); }
  bool number_float(json::number_float_t v, const json::string_t&) override { return add(json(v)); }
  bool string(json::string_t& v) override { return add(json(std::move(v))); }
  bool binary(json::binary_t& v) override { return add(json::binary(std::move(v))); }
  bool start_object(std::size_t) override { return open(json::object(), true); }
  bool start_array(std::size_t) override { return open(json::array(), false); }
  bool key(json::string_t& k) override {
    Level& level = levels_[depth_ - 1];
    if (level.value)
      level.keys.push_back(k);  // checked when the object closes
    else if (!root_names_.insert(k).second)
      w_.fail("invalid header: duplicate key '{}'", k);
    level.key = std::move(k);
    return true;
  }
  bool end_object() override {
    std::vector<std::string>& keys = levels_[depth_ - 1].keys;
    std::sort(keys.begin(), keys.end());
    auto duplicate = std::adjacent_find(keys.begin(), keys.end());
    if (duplicate != keys.end()) w_.fail("invalid header: duplicate key '{}'", *duplicate);
    return close();
  }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    w_.fail("invalid header: not valid JSON ({})", e.what());
  }

 private:
  struct Level {
    json* value;                    // null for the root object, whose members go to on_member_
    std::string key;                // the member being read
    std::vector<std::string> keys;  // the keys so far (levels are reused: no allocation per entry)
  };

  // Places a finished scalar or a new container where the innermost open level expects it.
  json* place(json v) {
    if (depth_ == 0) {  // the root is not an object: keep it to show in the error
      root_ = std::move(v);
      return &root_;
    }
    Level& level = levels_[depth_ - 1];
    if (!level.value) {
      member_ = std::move(v);
      return &member_;
    }
    if (level.value->is_object()) return &((*level.value)[level.key] = std::move(v));
    level.value->push_back(std::move(v));
    return &level.value->back();
  }
  bool add(json v) {
    json* placed = place(std::move(v));
    if (placed == &member_) on_member_(levels_[0].key, member_);  // a scalar member of the root
    return true;
  }
  bool open(json container, bool object) {
    if (depth_ >= static_cast<size_t>(kMaxDepth))
      w_.fail("invalid header: JSON nested deeper than a safetensors header");
    const bool root_object = depth_ == 0 && object;
    if (root_object) root_is_object_ = true;
    json* value = root_object ? nullptr : place(std::move(container));
    if (depth_ == levels_.size()) levels_.emplace_back();
    Level& level = levels_[depth_++];
    level.value = value;
    level.keys.clear();
    return true;
  }
  bool close() {
    --depth_;
    if (depth_ == 1 && root_is_object_) on_member_(levels_[0].key, member_);  // a container member closed
    return true;
  }

  const Where& w_;
  OnMember on_member_;
  std::vector<Level> levels_;  // levels_[0, depth_) are the open containers, outermost first
  size_t depth_ = 0;
  std::unordered_set<std::string> root_names_;
  json member_;  // the root member being read
  json root_;    // a root that is not an object
  bool root_is_object_ = false;
};

// A member's error is held until the whole header has parsed: invalid JSON is reported first,
// as the Rust crate does (it parses with serde before validating).
void parse_header(const std::string& text, const Where& w, const OnMember& on_member) {
  // nlohmann stops at a NUL byte as at the end of input; JSON text never holds one.
  if (text.find('\0') != std::string::npos) w.fail("invalid header: not valid JSON (it holds a NUL byte)");
  std::exception_ptr member_error;
  HeaderReader reader(w, [&](const std::string& name, const json& value) {
    if (member_error) return;
    try {
      on_member(name, value);
    } catch (const ValueError&) {
      member_error = std::current_exception();
    }
  });
  try {
    json::sax_parse(text, &reader);
  } catch (const json::exception& e) {
    w.fail("invalid header: not valid JSON ({})", e.what());
  }
  reader.finish();
  if (member_error) std::rethrow_exception(member_error);
}

struct Entry {
  std::string name;
  DType dtype;
  Shape shape;
  uint64_t begin, end;
};

struct Header {
  uint64_t data_start = 0;     // file offset of the data buffer
  std::vector<Entry> entries;  // sorted by data offsets
  std::map<std::string, std::string> metadata;
};

// One tensor's header entry, checked against itself and the size of the data buffer.
Entry parse_entry(const std::string& name, const json& v, uint64_t data_size, const Where& w) {
  if (!v.is_object()) w.fail("tensor '{}': entry must be a JSON object, got {}", name, shown(v));
  for (const char* key : {"dtype", "shape", "data_offsets"})
    if (!v.contains(key)) w.fail("tensor '{}': entry has no '{}'", name, key);
  Entry e{name, kFloat32, {}, 0, 0};

  const json& dt = v["dtype"];
  if (!dt.is_string()) w.fail("tensor '{}': 'dtype' must be a string, got {}", name, shown(dt));
  const std::string& dname = dt.get_ref<const std::string&>();
  int found = -1;
  for (int i = 0; i < kNumDTypes; ++i)
    if (dname == kStDType[i].name) found = i;
  if (found < 0)
    w.fail("tensor '{}': unsupported dtype '{}' (ember reads F16, BF16, F32, F64, I32, I64, U8 and BOOL)", name, dname);
  e.dtype = static_cast<DType>(found);

  // The element count must fit in int64 and so must the product of the nonzero dims, which
  // bounds the strides of a zero-size tensor too.
  const json& shape = v["shape"];
  if (!shape.is_array()) w.fail("tensor '{}': 'shape' must be an array, got {}", name, shown(shape));
  uint64_t nonzero = 1, nbytes = 0;
  bool has_zero = false, too_large = false;
  for (const json& d : shape) {
    if (!d.is_number_unsigned())
      w.fail("tensor '{}': 'shape' must hold non-negative integers, got {}", name, shown(shape));
    const uint64_t n = d.get<uint64_t>();
    has_zero |= n == 0;
    too_large |= n > static_cast<uint64_t>(INT64_MAX) || (n > 0 && __builtin_mul_overflow(nonzero, n, &nonzero));
    e.shape.push_back(static_cast<int64_t>(n));
  }
  const uint64_t numel = has_zero ? 0 : nonzero;
  too_large |= nonzero > static_cast<uint64_t>(INT64_MAX) ||
               __builtin_mul_overflow(numel, static_cast<uint64_t>(element_size(e.dtype)), &nbytes);
  if (too_large) w.fail("tensor '{}': shape {} is too large", name, shown(shape));

  const json& off = v["data_offsets"];
  if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
    w.fail("tensor '{}': 'data_offsets' must be [begin, end] with non-negative integers, got {}", name, shown(off));
  e.begin = off[0].get<uint64_t>();
  e.end = off[1].get<uint64_t>();
  if (e.begin > e.end) w.fail("tensor '{}': data_offsets [{}, {}] end before they begin", name, e.begin, e.end);
  if (e.end - e.begin != nbytes)
    w.fail("tensor '{}': data_offsets [{}, {}] hold {} bytes, but shape {} of {} needs {}", name, e.begin, e.end,
           e.end - e.begin, e.shape.str(), dname, nbytes);
  if (e.end > data_size)
    w.fail("tensor '{}': data_offsets [{}, {}] lie outside the {}-byte data buffer (truncated file?)", name, e.begin,
           e.end, data_size);
  return e;
}

// Reads and validates the length, the header and the layout of the data buffer (not the data).
Header read_header(std::ifstream& in, const Where& w) {
  const std::streamoff end = in.tellg();  // opened at the end; a directory opens but has no size
  std::error_code ec;
  if (end < 0 || std::filesystem::is_directory(w.path, ec)) w.fail("not a readable file");
  const uint64_t file_size = static_cast<uint64_t>(end);
  if (file_size < 8) w.fail("file too short ({} bytes) to hold the 8-byte header length", file_size);
  in.seekg(0);
  unsigned char len_bytes[8];
  in.read(reinterpret_cast<char*>(len_bytes), 8);
  if (in.gcount() != 8) w.fail("cannot read the header length");
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(len_bytes[i]) << (8 * i);
  if (n > kMaxHeaderLen) w.fail("header length {} is larger than the {}-byte limit", n, kMaxHeaderLen);
  if (n > file_size - 8)
    w.fail("truncated file: header length {} runs past the end of the file ({} bytes)", n, file_size);
  std::string text(n, '\0');
  in.read(&text[0], static_cast<std::streamsize>(n));
  if (static_cast<uint64_t>(in.gcount()) != n) w.fail("truncated file (cannot read the header)");

  Header h;
  h.data_start = 8 + n;
  const uint64_t data_size = file_size - h.data_start;
  parse_header(text, w, [&](const std::string& name, const json& v) {
    if (name != "__metadata__") {
      h.entries.push_back(parse_entry(name, v, data_size, w));
      return;
    }
    if (v.is_null()) return;
    if (!v.is_object()) w.fail("invalid header: '__metadata__' must be an object, got {}", shown(v));
    for (const auto& [k, s] : v.items()) {
      if (!s.is_string()) w.fail("invalid header: '__metadata__' value of '{}' must be a string, got {}", k, shown(s));
      h.metadata[k] = s.get<std::string>();
    }
  });

  // Sorted by offsets, the tensors must cover the data buffer exactly (as `Metadata::validate`).
  std::sort(h.entries.begin(), h.entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  uint64_t covered = 0;
  const Entry* prev = nullptr;
  for (const Entry& e : h.entries) {
    if (e.begin < covered)
      w.fail("tensor '{}': data_offsets [{}, {}] overlap tensor '{}' [{}, {}]", e.name, e.begin, e.end, prev->name,
             prev->begin, prev->end);
    if (e.begin > covered)
      w.fail("tensor '{}': data_offsets [{}, {}] leave a gap of {} bytes after {}", e.name, e.begin, e.end,
             e.begin - covered, prev ? "tensor '" + prev->name + "'" : std::string("the start of the data buffer"));
    covered = e.end;
    prev = &e;
  }
  if (covered != data_size)
    w.fail("the tensors cover {} bytes, but the data buffer has {} ({} unclaimed bytes at the end)", covered, data_size,
           data_size - covered);
  return h;
}

std::ifstream open_for_reading(const Where& w) {
  std::ifstream in(w.path, std::ios::binary | std::ios::ate);
  if (!in.is_open()) w.fail("cannot open file ({})", std::strerror(errno));
  return in;
}

}  // namespace

void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  const Where w{"save_safetensors", path};
  std::vector<std::pair<std::string, Tensor>> items;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__") w.fail("'__metadata__' is reserved for metadata and cannot name a tensor");
    if (!t.defined()) w.fail("tensor '{}' is undefined (Tensor())", name);
    // Every ember dtype has a safetensors name today; one added later without a name fails here.
    EMBER_ENSURE(static_cast<int>(t.dtype()) >= 0 && static_cast<int>(t.dtype()) < kNumDTypes, TypeError,
                 "save_safetensors: {}: tensor '{}': dtype {} has no safetensors equivalent", path, name, t.dtype());
    items.emplace_back(name, t.detach().to(Device(kCPU)).contiguous());
  }
  // Note [safetensors layout]: dtype rank descending, then name; std::string compares bytes as
  // unsigned, like Rust's str.
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    int ra = st_dtype(a.second.dtype()).rank, rb = st_dtype(b.second.dtype()).rank;
    return ra != rb ? ra > rb : a.first < b.first;
  });

  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (const auto& [k, v] : metadata) {
      if (header.back() != '{') header += ',';
      header += json_string(k, w, "a metadata key") + ":" + json_string(v, w, "a metadata value");
    }
    header += "}";
  }
  uint64_t offset = 0;
  for (const auto& [name, c] : items) {
    if (header.size() > 1) header += ',';
    std::string shape;
    for (int64_t d : c.sizes()) shape += fmt::format("{}{}", shape.empty() ? "" : ",", d);
    const uint64_t nbytes = static_cast<uint64_t>(c.numel()) * c.element_size();
    header +=
        fmt::format("{}:{{\"dtype\":\"{}\",\"shape\":[{}],\"data_offsets\":[{},{}]}}",
                    json_string(name, w, "a tensor name"), st_dtype(c.dtype()).name, shape, offset, offset + nbytes);
    offset += nbytes;
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out.is_open()) w.fail("cannot open for writing ({})", std::strerror(errno));
  char len_bytes[8];
  for (int i = 0; i < 8; ++i)
    len_bytes[i] = static_cast<char>((static_cast<uint64_t>(header.size()) >> (8 * i)) & 0xff);
  out.write(len_bytes, 8);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  for (const auto& [name, c] : items) {
    const size_t nbytes = static_cast<size_t>(c.numel()) * c.element_size();
    if (nbytes == 0) continue;
    const char* data = c.impl()->data();
    if (kHostLittleEndian || c.element_size() == 1) {
      out.write(data, static_cast<std::streamsize>(nbytes));
    } else {
      std::string buf(data, nbytes);
      swap_bytes(&buf[0], nbytes, c.element_size());
      out.write(buf.data(), static_cast<std::streamsize>(nbytes));
    }
  }
  out.close();
  if (out.fail()) w.fail("write failed ({})", std::strerror(errno));
}

std::map<std::string, Tensor> load_safetensors(const std::string& path) {
  const Where w{"load_safetensors", path};
  std::ifstream in = open_for_reading(w);
  Header h = read_header(in, w);
  // read_header checked that the entries tile the data buffer, so it is read front to back.
  in.seekg(static_cast<std::streamoff>(h.data_start));
  std::map<std::string, Tensor> out;
  for (const Entry& e : h.entries) {
    Tensor t = empty_tensor(e.shape, e.dtype, Device(kCPU));
    const uint64_t nbytes = e.end - e.begin;
    char* data = t.impl()->data();
    if (nbytes > 0) {
      in.read(data, static_cast<std::streamsize>(nbytes));
      if (static_cast<uint64_t>(in.gcount()) != nbytes)
        w.fail("tensor '{}': truncated data (read {} of {} bytes)", e.name, in.gcount(), nbytes);
    }
    if (!kHostLittleEndian) swap_bytes(data, nbytes, element_size(e.dtype));
    if (e.dtype == kBool)  // any nonzero byte is true; ember's bool storage holds only 0 and 1
      for (uint64_t i = 0; i < nbytes; ++i) data[i] = data[i] != 0;
    out.emplace(e.name, std::move(t));
  }
  return out;
}

std::map<std::string, std::string> load_safetensors_metadata(const std::string& path) {
  const Where w{"load_safetensors_metadata", path};
  std::ifstream in = open_for_reading(w);
  return read_header(in, w).metadata;
}

}  // namespace ember
