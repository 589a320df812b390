// MNIST and Fashion-MNIST: reads the IDX files (plain or gzipped, both through zlib, which
// passes plain files through unchanged) into float32 images scaled to [0, 1] and int64
// labels. Every missing, malformed, truncated or corrupt file throws ValueError naming it.
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <new>
#include <string>
#include <utility>

#include "ember/data.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace data {
namespace datasets {
namespace {

namespace fs = std::filesystem;

// IDX magic numbers (big-endian): two zero bytes, the element type (0x08: unsigned byte), the
// number of dims.
constexpr uint32_t kImagesMagic = 0x00000803;  // 2051
constexpr uint32_t kLabelsMagic = 0x00000801;  // 2049

constexpr size_t kReadChunk = size_t{1} << 20;  // bytes inflated and converted at a time
// Deflate expands at most about 1032:1, which bounds what a gzip file can promise.
constexpr uint64_t kMaxDeflateRatio = 1032;

// An open file read through zlib's gz* functions. `name` ("MNIST") prefixes error messages.
class ZlibFile {
 public:
  ZlibFile(const std::string& path, const char* name) : path_(path), name_(name) {
    errno = 0;
    file_ = gzopen(path.c_str(), "rb");
    EMBER_ENSURE(file_ != nullptr, ValueError, "{}: {}: cannot open file ({})", name_, path_,
                 errno ? std::strerror(errno) : "out of memory");
    // A larger input buffer than zlib's 8 KiB default means fewer reads of a large file; a small
    // file keeps the default (zlib allocates three times the buffer size).
    std::error_code ec;
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > (8u << 10)) gzbuffer(file_, static_cast<unsigned>(std::min<uintmax_t>(size, 1u << 20)));
  }
  ~ZlibFile() { gzclose(file_); }
  ZlibFile(const ZlibFile&) = delete;
  ZlibFile& operator=(const ZlibFile&) = delete;

  // Reads up to n bytes; fewer only at the end of the data. Corrupt gzip data throws.
  size_t read(void* out, size_t n) {
    size_t total = 0;
    while (total < n) {
      const unsigned want = static_cast<unsigned>(std::min(n - total, kReadChunk));
      const int got = gzread(file_, static_cast<char*>(out) + total, want);
      if (got < 0) fail();
      total += static_cast<size_t>(got);
      if (static_cast<unsigned>(got) < want) break;
    }
    // A gzip stream cut short reads as a short read plus an error: report it as corruption,
    // not as an IDX file that is too short.
    int errnum = Z_OK;
    gzerror(file_, &errnum);
    if (errnum != Z_OK) fail();
    return total;
  }
  // False for a plain file, which zlib passes through unchanged.
  bool is_gzip() { return gzdirect(file_) == 0; }

 private:
  [[noreturn]] void fail() {
    int errnum = Z_OK;
    std::string message = gzerror(file_, &errnum);
    if (errnum == Z_ERRNO) EMBER_FAIL(ValueError, "{}: {}: read error ({})", name_, path_, std::strerror(errno));
    if (message.compare(0, path_.size() + 2, path_ + ": ") == 0) message.erase(0, path_.size() + 2);
    EMBER_FAIL(ValueError, "{}: {}: corrupt gzip data ({})", name_, path_, message);
  }

  const std::string path_;
  const char* name_;
  gzFile file_ = nullptr;
};

uint32_t read_big_endian_u32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// An IDX file of unsigned bytes with `ndims` dims: the constructor reads and checks the header,
// read_into the data. `what` ("images") and `name` ("MNIST") go into error messages.
class IdxReader {
 public:
  IdxReader(const std::string& path, uint32_t magic, size_t ndims, const char* what, const char* name)
      : file_(path, name), path_(path), what_(what), name_(name) {
    std::array<unsigned char, 16> header{};
    const size_t header_size = 4 * (1 + ndims);
    size_t got = file_.read(header.data(), 4);
    if (got == 4) check_magic(read_big_endian_u32(header.data()), magic);
    if (got == 4) got += file_.read(header.data() + 4, header_size - 4);
    EMBER_ENSURE(got == header_size, ValueError,
                 "{}: {}: truncated file: an IDX {} header has {} bytes, the file has {}", name_, path_, what_,
                 header_size, got);
    for (size_t d = 0; d < ndims; ++d) {
      const uint32_t dim = read_big_endian_u32(header.data() + 4 * (d + 1));
      dims_.push_back(dim);
      EMBER_ENSURE(!__builtin_mul_overflow(count_, uint64_t{dim}, &count_) && count_ <= (uint64_t{1} << 40), ValueError,
                   "{}: {}: corrupt header: its dims are implausibly large", name_, path_);
    }
    // Check what the file can hold before the caller allocates what the header promises.
    std::error_code ec;
    const uint64_t file_size = std::filesystem::file_size(path, ec);
    if (ec) return;
    if (file_.is_gzip()) {
      EMBER_ENSURE(count_ <= file_size * kMaxDeflateRatio, ValueError,
                   "{}: {}: truncated file: the header promises {}, more than a gzip file of {} bytes can hold", name_,
                   path_, promised(), file_size);
    } else if (count_ > file_size - header_size) {
      truncated(file_size - header_size);
    }
  }

  const std::vector<int64_t>& dims() const { return dims_; }

  // The data bytes. A plain file was checked to hold them all; a gzip stream is read a chunk at
  // a time into a buffer that grows with what the stream yields, so a header that promises more
  // than the stream holds fails before anything of the promised size is allocated.
  std::vector<uint8_t> read_data() {
    std::vector<uint8_t> bytes;
    if (!file_.is_gzip()) bytes.reserve(static_cast<size_t>(count_));
    while (bytes.size() < count_) {
      const size_t done = bytes.size();
      const size_t want = static_cast<size_t>(std::min<uint64_t>(count_ - done, kReadChunk));
      try {
        bytes.resize(done + want);
      } catch (const std::bad_alloc&) {
        throw OutOfMemoryError(fmt::format("{}: {}: out of memory reading {} bytes of data", name_, path_, count_),
                               done + want);
      }
      const size_t got = file_.read(bytes.data() + done, want);
      bytes.resize(done + got);
      if (got < want) truncated(bytes.size());
    }
    return bytes;
  }

 private:
  void check_magic(uint32_t found, uint32_t magic) const {
    if (found == magic) return;
    const uint32_t other = magic == kImagesMagic ? kLabelsMagic : kImagesMagic;
    std::string why;
    if (found == other)
      why = fmt::format(", which is the magic number of IDX {} files; are the files swapped?",
                        magic == kImagesMagic ? "label" : "image");
    else if (found == __builtin_bswap32(magic))
      why = "; the bytes are reversed: IDX numbers are big-endian";
    EMBER_FAIL(ValueError, "{}: {}: not an IDX {} file: magic number {} (0x{:08x}), expected {} (0x{:08x}){}", name_,
               path_, what_, found, found, magic, magic, why);
  }
  // "60000 images of 28x28 (47040000 bytes of data)"
  std::string promised() const {
    const std::string items = dims_.size() == 3 ? fmt::format("{} {} of {}x{}", dims_[0], what_, dims_[1], dims_[2])
                                                : fmt::format("{} {}", dims_[0], what_);
    return fmt::format("{} ({} bytes of data)", items, count_);
  }
  [[noreturn]] void truncated(uint64_t available) const {
    EMBER_FAIL(ValueError, "{}: {}: truncated file: the header promises {}, but only {} follow it", name_, path_,
               promised(), available);
  }

  ZlibFile file_;
  const std::string path_;
  const char* what_;
  const char* name_;
  std::vector<int64_t> dims_;
  uint64_t count_ = 1;
};

// root/base, or root/base.gz when only that exists.
std::string find_idx_file(const std::string& root, const std::string& base, const char* name, const char* hint) {
  const fs::path plain = fs::path(root) / base;
  fs::path gz = plain;
  gz += ".gz";
  std::error_code ec;
  if (fs::is_regular_file(plain, ec)) return plain.string();
  if (fs::is_regular_file(gz, ec)) return gz.string();
  EMBER_FAIL(ValueError, "{}: cannot find {} (tried {} and {}{}){}", name, base, plain.string(), gz.string(),
             fs::is_directory(root, ec) ? "" : fmt::format("; the directory {} does not exist", root), hint);
}

std::vector<Tensor> load_mnist(const std::string& root, bool train, const char* name, const char* hint) {
  const std::string prefix = train ? "train" : "t10k";
  const std::string images_path = find_idx_file(root, prefix + "-images-idx3-ubyte", name, hint);
  const std::string labels_path = find_idx_file(root, prefix + "-labels-idx1-ubyte", name, hint);
  IdxReader images(images_path, kImagesMagic, 3, "images", name);
  IdxReader labels(labels_path, kLabelsMagic, 1, "labels", name);
  const int64_t n = images.dims()[0];
  EMBER_ENSURE(n == labels.dims()[0], ValueError, "{}: {} has {} images but {} has {} labels", name, images_path, n,
               labels_path, labels.dims()[0]);

  // Pixels: like libtorch, byte / 255 in float32.
  const std::vector<uint8_t> pixels = images.read_data();
  Tensor image_tensor = empty_tensor(Shape{n, 1, images.dims()[1], images.dims()[2]}, kFloat32, Device(kCPU));
  float* image_data = image_tensor.data_ptr<float>();
  for (size_t i = 0; i < pixels.size(); ++i) image_data[i] = static_cast<float>(pixels[i]) / 255.0f;
  const std::vector<uint8_t> classes = labels.read_data();
  Tensor label_tensor = empty_tensor(Shape{n}, kInt64, Device(kCPU));
  std::copy(classes.begin(), classes.end(), label_tensor.data_ptr<int64_t>());
  return {image_tensor, label_tensor};
}

}  // namespace

namespace {
const char* const kFashionHint =
    "; Debian's package dataset-fashion-mnist installs the files under /usr/share/datasets/fashion-mnist";
}  // namespace

MNIST::MNIST(const std::string& root, Mode mode) : MNIST(root, mode == Mode::kTrain, "MNIST", "") {}
MNIST::MNIST(const std::string& root, bool train) : MNIST(root, train, "MNIST", "") {}

MNIST::MNIST(const std::string& root, bool train, const char* name, const char* hint) : train_(train), name_(name) {
  std::vector<Tensor> tensors = load_mnist(root, train, name, hint);
  images_ = std::move(tensors[0]);
  targets_ = std::move(tensors[1]);
}

Example<> MNIST::get(size_t index) {
  const auto n = static_cast<size_t>(images_.size(0));
  EMBER_ENSURE(index < n, IndexError, "{}: index {} is out of range for {} examples", name_, index, n);
  const auto i = static_cast<int64_t>(index);
  return {images_[i], targets_[i]};
}

FashionMNIST::FashionMNIST(const std::string& root, Mode mode)
    : MNIST(root, mode == Mode::kTrain, "FashionMNIST", kFashionHint) {}
FashionMNIST::FashionMNIST(const std::string& root, bool train) : MNIST(root, train, "FashionMNIST", kFashionHint) {}

}  // namespace datasets
}  // namespace data
}  // namespace ember
