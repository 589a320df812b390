// Files built byte by byte for the loader tests (.npy, .safetensors, IDX and gzip), and the
// mutator and tally the loaders' fuzz tests share.
#pragma once
#include <ember/error.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace ember_test {

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Little-endian bytes of each value, whatever the host's byte order.
template <typename T>
std::string le(std::initializer_list<T> values) {
  std::string out;
  for (T v : values) {
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    for (size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  return out;
}

// The 8-byte little-endian length prefix of a .safetensors file.
inline std::string u64_le(uint64_t n) { return le<uint64_t>({n}); }

// A .safetensors file: length, header (padded with spaces to 8 bytes when pad), data.
inline std::string st_bytes(std::string header, const std::string& data, bool pad = true) {
  if (pad) header.append((8 - header.size() % 8) % 8, ' ');
  return u64_le(header.size()) + header + data;
}

// A .npy file: magic, version major.0, the header padded to 64 bytes, then data.
inline std::string npy_bytes(int major, std::string header, const std::string& data) {
  size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header.push_back(' ');
  header.push_back('\n');
  std::string out("\x93NUMPY", 6);
  out.push_back(static_cast<char>(major));
  out.push_back(0);
  for (size_t i = 0; i < prefix - 8; ++i) out.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
  return out + header + data;
}

inline std::string big_endian(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// An IDX file of unsigned bytes: magic, the dims, the data.
inline std::string idx_bytes(uint32_t magic, const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data) {
  std::string out = big_endian(magic);
  for (uint32_t d : dims) out += big_endian(d);
  return out + std::string(data.begin(), data.end());
}

// gzip of `data` with stored (uncompressed) deflate blocks, written by hand: the test targets
// do not link zlib (ember links it privately), and stored blocks are still inflated by zlib.
inline std::string gzip_stored(const std::string& data) {
  uint32_t crc = 0xffffffffu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  crc = ~crc;
  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);  // magic, deflate, no flags, mtime, OS
  size_t pos = 0;
  do {
    const size_t len = std::min<size_t>(data.size() - pos, 65535);
    const bool last = pos + len == data.size();
    out += {char(last ? 1 : 0), char(len), char(len >> 8), char(~len), char(~len >> 8)};
    out += data.substr(pos, len);
    pos += len;
  } while (pos < data.size());
  for (uint32_t v : {crc, static_cast<uint32_t>(data.size())})  // little-endian trailer
    out += {char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
  return out;
}

// One to four corruptions of a valid file: random bytes, a digit or byte of the first
// `header_end` bytes (where the format's header lives) changed or replaced by a token,
// truncation, insertions and deletions.
inline std::string mutate(const std::string& good, size_t header_end, const std::vector<std::string>& tokens,
                          std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return n ? static_cast<size_t>(rng() % n) : 0; };
  std::string f = good;
  const int kind = static_cast<int>(pick(5));
  const int edits = 1 + static_cast<int>(pick(4));
  for (int e = 0; e < edits && !f.empty(); ++e) {
    const size_t hpos = pick(std::min(header_end, f.size()));
    switch (kind) {
      case 0:  // a random byte anywhere
        f[pick(f.size())] = static_cast<char>(rng());
        break;
      case 1:  // a digit of the header changes (sizes, offsets), or some other header byte
        f[hpos] = f[hpos] >= '0' && f[hpos] <= '9' ? static_cast<char>('0' + pick(10)) : static_cast<char>(rng());
        break;
      case 2:  // a token replaces a header byte
        f.replace(hpos, 1, tokens.empty() ? std::string(1, static_cast<char>(rng())) : tokens[pick(tokens.size())]);
        break;
      case 3:  // truncation
        f.resize(pick(f.size() + 1));
        break;
      default:  // insertion or deletion of a few bytes
        if (rng() & 1) {
          f.insert(pick(f.size() + 1), 1 + pick(9), static_cast<char>(rng()));
        } else {
          size_t at = pick(f.size());
          f.erase(at, std::min<size_t>(1 + pick(9), f.size() - at));
        }
    }
  }
  return f;
}

// Counts fuzzed loads: each either succeeds or throws a ValueError whose message holds
// `fragment` (the file's name); any other exception fails the test.
struct FuzzTally {
  int loaded = 0, rejected = 0;
  template <typename Load>
  void run(int iteration, const std::string& fragment, Load load) {
    try {
      load();
      ++loaded;
    } catch (const ember::ValueError& e) {
      ++rejected;
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "iteration " << iteration << ": not a ValueError: " << e.what();
    }
  }
};

}  // namespace ember_test
