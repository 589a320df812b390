// Tests of save_safetensors / load_safetensors / load_safetensors_metadata: round trips of every
// dtype and layout, files built byte by byte from the format's specification, byte-exact
// comparison with what the Python `safetensors` package writes (expected bytes built by hand from
// its Rust source, since the package is not installed here), every malformed header, and a fuzz
// loop of corrupted and truncated files that may only throw ember::Error.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>  // before helpers.h, which uses std::isnan
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "file_bytes.h"
#include "helpers.h"

using namespace ember;
using ember_test::le;
using ember_test::read_bytes;
using ember_test::st_bytes;
using ember_test::u64_le;
using ember_test::write_bytes;

namespace {

using TensorMap = std::map<std::string, Tensor>;
using MetaMap = std::map<std::string, std::string>;

class SafetensorsTest : public ::testing::Test {
 protected:
  std::string tmp(const std::string& name) const { return dir_.path(name); }

  // Saves the map, loads it back and checks names, dtypes, shapes and values.
  void round_trip(const TensorMap& tensors, const std::string& name) {
    std::string path = tmp(name);
    save_safetensors(path, tensors);
    TensorMap got = load_safetensors(path);
    ASSERT_EQ(got.size(), tensors.size()) << name;
    for (const auto& [key, t] : tensors) {
      ASSERT_TRUE(got.count(key)) << name << ": " << key;
      const Tensor& u = got.at(key);
      EXPECT_EQ(u.dtype(), t.dtype()) << name << ": " << key;
      EXPECT_EQ(u.sizes(), t.sizes()) << name << ": " << key;
      EXPECT_TRUE(u.is_contiguous()) << name << ": " << key;
      EXPECT_TRUE(u.is_cpu()) << name << ": " << key;
      ember_test::expect_values(u, t.to(Device(kCPU)).to_vector<double>(), 0);
    }
  }

  // Writes bytes to a file and expects load_safetensors (and _metadata) to reject it.
  void expect_bad(const std::string& bytes, const std::string& fragment) {
    std::string p = tmp("bad.safetensors");
    write_bytes(p, bytes);
    EXPECT_THROW_MSG(load_safetensors(p), ValueError, "load_safetensors: " + p + ": ");
    EXPECT_THROW_MSG(load_safetensors(p), ValueError, fragment);
    EXPECT_THROW_MSG(load_safetensors_metadata(p), ValueError, "load_safetensors_metadata: " + p + ": ");
    EXPECT_THROW_MSG(load_safetensors_metadata(p), ValueError, fragment);
  }

  ember_test::TempDir dir_{"ember_st_"};
};

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::nan("");

// ---- Round trips

TEST_F(SafetensorsTest, RoundTripsEveryDType) {
  Tensor base = from_vector<double>({0, 1, -2.5, 3, 1000, -7}, Shape{2, 3});
  TensorMap all;
  for (DType d : {kFloat16, kBFloat16, kFloat32, kFloat64, kInt32, kInt64}) {
    round_trip({{"x", base.to(d)}}, dtype_name(d) + ".safetensors");
    all["t_" + dtype_name(d)] = base.to(d);
  }
  all["u8"] = from_vector<uint8_t>({0, 1, 128, 255}, Shape{2, 2});
  all["bool"] = from_vector<uint8_t>({1, 0, 0, 1, 1}).to(kBool);
  round_trip(all, "all.safetensors");

  round_trip({{"f32", from_vector<double>({kInf, -kInf, kNaN, 1e-45, 3.4028234663852886e38, -0.0}).to(kFloat32)},
              {"f64", from_vector<double>({kInf, kNaN, 5e-324, 1.7976931348623157e308, -0.0})},
              {"f16", from_vector<double>({65504, -65504, kInf, kNaN, 5.960464477539063e-08}).to(kFloat16)},
              {"bf16", from_vector<double>({3.3895313892515355e38, kInf, kNaN, -1.5}).to(kBFloat16)},
              {"i32", from_vector<int32_t>({INT32_MIN, INT32_MAX, 0, -1})},
              {"i64", from_vector<int64_t>({INT64_MIN, INT64_MAX, int64_t(1) << 53, -1})}},
             "extremes.safetensors");
  // int64 values beyond 2^53 do not survive the double comparison above: check them exactly.
  TensorMap got = load_safetensors(tmp("extremes.safetensors"));
  EXPECT_EQ(got.at("i64").to_vector<int64_t>(), (std::vector<int64_t>{INT64_MIN, INT64_MAX, int64_t(1) << 53, -1}));
}

TEST_F(SafetensorsTest, RoundTripsScalarsAndEmpty) {
  round_trip({{"s", tensor(3.25)}, {"i", tensor(int64_t(-9))}, {"b", tensor(true)}}, "scalars.safetensors");
  round_trip({{"e0", zeros({0}, kInt32)}, {"e1", zeros({0, 3})}, {"e2", zeros({2, 0, 4}, kFloat64)}},
             "empty.safetensors");
  round_trip({}, "nothing.safetensors");
  round_trip({{"e", zeros({0}, kBool)}, {"x", ones({1, 1, 1, 1, 1, 1, 1, 2}, kBFloat16)}}, "mixed.safetensors");
  EXPECT_TRUE(load_safetensors_metadata(tmp("nothing.safetensors")).empty());
}

TEST_F(SafetensorsTest, RoundTripsNonContiguousWrittenContiguous) {
  Tensor x = arange(12, kFloat32).view({3, 4});
  TensorMap views = {{"t", x.t()},
                     {"sliced", x.slice(1, 1, 4, 2)},
                     {"selected", x.select(1, 2)},
                     {"gaps_i64", ember_test::with_gaps(x.to(kInt64))},
                     {"gaps_f16", ember_test::with_gaps(x.to(kFloat16))},
                     {"gaps_bool", ember_test::with_gaps(x.to(kBool))},
                     {"expanded", from_vector<float>({1, 2}).view({2, 1}).expand({2, 3})},
                     {"permuted", x.permute({1, 0}).slice(0, 1, 3)}};
  round_trip(views, "views.safetensors");
  // The file holds exactly the bytes of the contiguous copies.
  TensorMap copies;
  for (const auto& [k, v] : views) copies[k] = v.contiguous();
  save_safetensors(tmp("copies.safetensors"), copies);
  EXPECT_EQ(read_bytes(tmp("views.safetensors")), read_bytes(tmp("copies.safetensors")));
}

TEST_F(SafetensorsTest, RoundTripsFromCuda) {
  if (!cuda::is_available()) GTEST_SKIP() << "CUDA is not available";
  Tensor x = arange(6, kFloat32).view({2, 3}).to(Device(kCUDA, 0));
  save_safetensors(tmp("cuda.safetensors"), {{"xt", x.t()}, {"h", x.to(kFloat16)}});
  TensorMap got = load_safetensors(tmp("cuda.safetensors"));
  EXPECT_TRUE(got.at("xt").is_cpu());
  EXPECT_EQ(got.at("xt").sizes(), Shape({3, 2}));
  ember_test::expect_values(got.at("xt"), {0, 3, 1, 4, 2, 5});
  save_safetensors(tmp("cpu.safetensors"), {{"xt", x.t().to(Device(kCPU))}, {"h", x.to(kFloat16).to(Device(kCPU))}});
  EXPECT_EQ(read_bytes(tmp("cuda.safetensors")), read_bytes(tmp("cpu.safetensors")));
}

// ---- Files built by hand from the specification

TEST_F(SafetensorsTest, LoadsHandBuiltFileOfEveryDType) {
  // Tensors in header order unrelated to data order, data order unrelated to names or dtypes.
  std::string header =
      "{\"b\":{\"dtype\":\"BOOL\",\"shape\":[4],\"data_offsets\":[0,4]},"
      "\"f16\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[4,10]},"
      "\"bf16\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[10,14]},"
      "\"f32\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[14,22]},"
      "\"u8\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[22,24]},"
      "\"f64\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[24,32]},"
      "\"i32\":{\"dtype\":\"I32\",\"shape\":[1,3],\"data_offsets\":[32,44]},"
      "\"i64\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[44,60]},"
      "\"e\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[60,60]}}";
  std::string data = std::string("\x00\x01\x02\x00", 4) +      // bool: 2 is read as true
                     le<uint16_t>({0x3C00, 0xC000, 0x7BFF}) +  // f16: 1, -2, 65504
                     le<uint16_t>({0x3FC0, 0xC020}) +          // bf16: 1.5, -2.5
                     le<uint32_t>({0x3FA00000, 0xBE800000}) +  // f32: 1.25, -0.25
                     std::string("\x07\xff", 2) +              // u8: 7, 255
                     le<uint64_t>({0x4009200000000000ull}) +   // f64: 3.140625
                     le<int32_t>({-1, 65536, 7}) +             // i32
                     le<int64_t>({int64_t(1) << 40, -3});      // i64
  ASSERT_EQ(data.size(), 60u);
  write_bytes(tmp("h.safetensors"), st_bytes(header, data));
  TensorMap t = load_safetensors(tmp("h.safetensors"));
  ASSERT_EQ(t.size(), 9u);
  EXPECT_EQ(t.at("b").dtype(), kBool);
  EXPECT_EQ(t.at("b").to_vector<bool>(), (std::vector<bool>{false, true, true, false}));
  EXPECT_EQ(t.at("b").to(kUInt8).to_vector<uint8_t>(), (std::vector<uint8_t>{0, 1, 1, 0}));  // stored as 0/1
  ember_test::expect_tensor(t.at("f16"), kFloat16, {3}, {1, -2, 65504}, 0);
  ember_test::expect_tensor(t.at("bf16"), kBFloat16, {2}, {1.5, -2.5}, 0);
  ember_test::expect_tensor(t.at("f32"), kFloat32, {2, 1}, {1.25, -0.25}, 0);
  ember_test::expect_tensor(t.at("u8"), kUInt8, {2}, {7, 255}, 0);
  ember_test::expect_tensor(t.at("f64"), kFloat64, {}, {3.140625}, 0);
  ember_test::expect_tensor(t.at("i32"), kInt32, {1, 3}, {-1, 65536, 7}, 0);
  EXPECT_EQ(t.at("i64").dtype(), kInt64);
  EXPECT_EQ(t.at("i64").to_vector<int64_t>(), (std::vector<int64_t>{int64_t(1) << 40, -3}));
  EXPECT_EQ(t.at("e").sizes(), Shape({0, 5}));
  for (const auto& [k, v] : t) EXPECT_TRUE(v.is_contiguous() && v.is_cpu()) << k;
}

TEST_F(SafetensorsTest, LoadsHeaderVariants) {
  std::string data = le<float>({2.5f});
  // Unpadded header, whitespace, extra keys in an entry (the Rust reader ignores them),
  // "__metadata__": null, and non-ASCII / escaped names.
  write_bytes(
      tmp("a.safetensors"),
      st_bytes(" { \"w\" : { \"shape\" : [ 1 ] , \"data_offsets\" : [0, 4], \"dtype\" : \"F32\", \"x\": {} } } ", data,
               false));
  ember_test::expect_values(load_safetensors(tmp("a.safetensors")).at("w"), {2.5});
  write_bytes(tmp("b.safetensors"),
              st_bytes("{\"__metadata__\":null,\"caf\xc3\xa9 \\\"q\\\"\":{\"dtype\":\"F32\",\"shape\":[],"
                       "\"data_offsets\":[0,4]}}",
                       data));
  TensorMap b = load_safetensors(tmp("b.safetensors"));
  ASSERT_EQ(b.count("caf\xc3\xa9 \"q\""), 1u);
  EXPECT_TRUE(load_safetensors_metadata(tmp("b.safetensors")).empty());
  // No tensors at all, only metadata.
  write_bytes(tmp("c.safetensors"), st_bytes("{\"__metadata__\":{\"k\":\"v\"}}", ""));
  EXPECT_TRUE(load_safetensors(tmp("c.safetensors")).empty());
  EXPECT_EQ(load_safetensors_metadata(tmp("c.safetensors")), (MetaMap{{"k", "v"}}));
  // Zero-size tensors may share an offset, also with the start of the next tensor.
  write_bytes(tmp("d.safetensors"), st_bytes("{\"z1\":{\"dtype\":\"I64\",\"shape\":[0],\"data_offsets\":[0,0]},"
                                             "\"z2\":{\"dtype\":\"U8\",\"shape\":[3,0],\"data_offsets\":[0,0]},"
                                             "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                                             data));
  EXPECT_EQ(load_safetensors(tmp("d.safetensors")).size(), 3u);
}

// ---- Byte-exact output (Note [safetensors layout] in src/io/safetensors.cpp)

// The known answers of the Rust crate's own tests (safetensors/src/tensor.rs: test_serialization,
// test_serialization_forced_alignement, test_empty), spelled out as text.
TEST_F(SafetensorsTest, MatchesRustCrateKnownAnswers) {
  std::string floats = le<float>({0, 1, 2, 3, 4, 5});
  Tensor x = from_vector<float>({0, 1, 2, 3, 4, 5});
  save_safetensors(tmp("a.safetensors"), {{"attn.0", x.view({1, 2, 3})}});
  EXPECT_EQ(read_bytes(tmp("a.safetensors")),
            u64_le(64) + "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}" + floats);
  save_safetensors(tmp("b.safetensors"), {{"attn0", x.view({1, 1, 2, 3})}});
  EXPECT_EQ(read_bytes(tmp("b.safetensors")),
            u64_le(72) + "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       " + floats);
  save_safetensors(tmp("c.safetensors"), {});
  EXPECT_EQ(read_bytes(tmp("c.safetensors")), u64_le(8) + "{}      ");
  save_safetensors(tmp("d.safetensors"), {}, {{"framework", "pt"}});
  EXPECT_EQ(read_bytes(tmp("d.safetensors")), u64_le(40) + "{\"__metadata__\":{\"framework\":\"pt\"}}     ");
}

TEST_F(SafetensorsTest, WritesExactlyWhatPythonWrites) {
  // Every dtype, names whose byte order differs from natural order ("layer.10" < "layer.2",
  // "Zpix" < "pix"), a 0-dim and a zero-size tensor, and metadata.
  TensorMap tensors = {
      {"weight", from_vector<float>({1, -2, 0.5, 3}, Shape{2, 2}).t().t()},  // a (trivial) view
      {"bias", from_vector<float>({0.25, -1})},
      {"step", tensor(int64_t(7))},
      {"ids", from_vector<int32_t>({1, -1, 100000})},
      {"half", from_vector<float>({1, -2}).to(kFloat16)},
      {"bf", from_vector<float>({1.5}).to(kBFloat16)},
      {"mask", from_vector<uint8_t>({1, 0, 1}).to(kBool)},
      {"pix", from_vector<uint8_t>({9})},
      {"Zpix", from_vector<uint8_t>({0, 255})},
      {"empty", zeros({0, 3}, kFloat64)},
      {"layer.10", from_vector<double>({2.5})},
      {"layer.2", from_vector<double>({-0.125})},
  };
  // Data order: I64, F64, F32, I32, BF16, F16, U8, BOOL; by name (bytes) within a dtype.
  std::string header =
      "{\"__metadata__\":{\"format\":\"pt\"},"
      "\"step\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
      "\"empty\":{\"dtype\":\"F64\",\"shape\":[0,3],\"data_offsets\":[8,8]},"
      "\"layer.10\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]},"
      "\"layer.2\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]},"
      "\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]},"
      "\"weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[32,48]},"
      "\"ids\":{\"dtype\":\"I32\",\"shape\":[3],\"data_offsets\":[48,60]},"
      "\"bf\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[60,62]},"
      "\"half\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[62,66]},"
      "\"Zpix\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[66,68]},"
      "\"pix\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[68,69]},"
      "\"mask\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[69,72]}}";
  ASSERT_EQ(header.size(), 732u);  // so the padding is 4 spaces
  std::string expected = u64_le(736) + header + std::string(4, ' ') + le<int64_t>({7}) + le<double>({2.5, -0.125}) +
                         le<float>({0.25, -1, 1, -2, 0.5, 3}) + le<int32_t>({1, -1, 100000}) + le<uint16_t>({0x3FC0}) +
                         le<uint16_t>({0x3C00, 0xC000}) + std::string("\x00\xff\x09\x01\x00\x01", 6);
  save_safetensors(tmp("x.safetensors"), tensors, {{"format", "pt"}});
  std::string got = read_bytes(tmp("x.safetensors"));
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_EQ(got, expected);
  EXPECT_EQ(load_safetensors_metadata(tmp("x.safetensors")), (MetaMap{{"format", "pt"}}));
  round_trip(tensors, "y.safetensors");

  // Without metadata there is no "__metadata__" key at all (Python's default metadata=None).
  save_safetensors(tmp("z.safetensors"), {{"a", from_vector<uint8_t>({5})}});
  EXPECT_EQ(read_bytes(tmp("z.safetensors")),
            u64_le(56) + "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}   " + "\x05");
}

TEST_F(SafetensorsTest, EscapesNamesAndMetadataLikeSerdeJson) {
  // serde_json escapes '"', '\\' and control characters (\b \t \n \f \r short, others \u00xx in
  // lower case) and writes everything else, '/' and non-ASCII included, as is.
  std::string name = std::string("a\"b\\c/d\n\t\x01\x1f\x7f\xc3\xa9", 14);
  save_safetensors(tmp("e.safetensors"), {{name, tensor(true)}}, {{"k\r", "v\x08\x0c"}, {"a", "1"}});
  std::string header =
      "{\"__metadata__\":{\"a\":\"1\",\"k\\r\":\"v\\b\\f\"},"
      "\"a\\\"b\\\\c/d\\n\\t\\u0001\\u001f\x7f\xc3\xa9\":{\"dtype\":\"BOOL\",\"shape\":[],\"data_offsets\":[0,1]}}";
  header.append((8 - header.size() % 8) % 8, ' ');
  EXPECT_EQ(read_bytes(tmp("e.safetensors")), u64_le(header.size()) + header + "\x01");
  TensorMap got = load_safetensors(tmp("e.safetensors"));
  ASSERT_EQ(got.count(name), 1u);
  EXPECT_EQ(load_safetensors_metadata(tmp("e.safetensors")), (MetaMap{{"k\r", "v\x08\x0c"}, {"a", "1"}}));
}

// ---- Errors

TEST_F(SafetensorsTest, SaveErrors) {
  std::string p = tmp("s.safetensors");
  EXPECT_THROW_MSG(save_safetensors(p, {{"__metadata__", ones({1})}}), ValueError,
                   "save_safetensors: " + p + ": '__metadata__' is reserved");
  EXPECT_THROW_MSG(save_safetensors(p, {{"u", Tensor()}}), ValueError, "tensor 'u' is undefined");
  EXPECT_THROW_MSG(save_safetensors(p, {{"bad\xff", ones({1})}}), ValueError, "a tensor name is not valid UTF-8");
  EXPECT_THROW_MSG(save_safetensors(p, {}, {{"k", "\xc3"}}), ValueError, "a metadata value is not valid UTF-8");
  EXPECT_THROW_MSG(save_safetensors(tmp("no/such/dir/x.safetensors"), {}), ValueError, "cannot open for writing");
}

TEST_F(SafetensorsTest, MissingOrShortFile) {
  std::string p = tmp("does_not_exist.safetensors");
  EXPECT_THROW_MSG(load_safetensors(p), ValueError, "load_safetensors: " + p + ": cannot open file");
  EXPECT_THROW_MSG(load_safetensors_metadata(p), ValueError, "load_safetensors_metadata: " + p + ": cannot open file");
  EXPECT_THROW_MSG(load_safetensors(dir_.str()), ValueError, dir_.str() + ": not a readable file");
  expect_bad("", "file too short (0 bytes) to hold the 8-byte header length");
  expect_bad(std::string(7, '\0'), "file too short (7 bytes)");
}

TEST_F(SafetensorsTest, BadHeaderLength) {
  expect_bad(u64_le(100000001) + "{}", "header length 100000001 is larger than the 100000000-byte limit");
  expect_bad(u64_le(~uint64_t(0)) + "{}", "header length 18446744073709551615 is larger");
  expect_bad(u64_le(64) + "{}      ", "truncated file: header length 64 runs past the end of the file (16 bytes)");
  expect_bad(u64_le(9) + "{}      ", "header length 9 runs past the end");
  // A whole file cut short inside the header.
  std::string good = st_bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", le<float>({1, 2}));
  expect_bad(good.substr(0, 30), "truncated file: header length");
}

TEST_F(SafetensorsTest, BadJson) {
  expect_bad(st_bytes("{\"w\": }", ""), "invalid header: not valid JSON");
  expect_bad(st_bytes("", ""), "not valid JSON");
  expect_bad(st_bytes("{} {}", ""), "not valid JSON");
  expect_bad(st_bytes("{\"a\":1} // c", ""), "not valid JSON");
  expect_bad(st_bytes("{\"caf\xc3\": {}}", ""), "not valid JSON");  // invalid UTF-8
  expect_bad(st_bytes(std::string("{}\0", 3), ""), "not valid JSON");
  expect_bad(st_bytes("[1,2]", ""), "invalid header: expected a JSON object, got [1,2]");
  expect_bad(st_bytes("\"x\"", ""), "expected a JSON object, got \"x\"");
  expect_bad(st_bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[[[[[1]]]]],\"data_offsets\":[0,4]}}", std::string(4, 0)),
             "nested deeper");
  expect_bad(st_bytes(std::string(100000, '[') + std::string(100000, ']'), ""), "nested deeper");
}

TEST_F(SafetensorsTest, DuplicateKeys) {
  std::string e = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}";
  expect_bad(st_bytes("{\"w\":" + e + ",\"w\":" + e + "}", "a"), "invalid header: duplicate key 'w'");
  expect_bad(st_bytes("{\"w\":{\"dtype\":\"U8\",\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", "a"),
             "duplicate key 'dtype'");
  expect_bad(st_bytes("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}", ""), "duplicate key 'k'");
  expect_bad(st_bytes("{\"__metadata__\":{},\"__metadata__\":{}}", ""), "duplicate key '__metadata__'");
}

TEST_F(SafetensorsTest, BadEntries) {
  auto one = [](const std::string& entry) { return st_bytes("{\"w\":" + entry + "}", std::string(12, '\0')); };
  expect_bad(one("5"), "tensor 'w': entry must be a JSON object, got 5");
  expect_bad(one("{\"shape\":[3],\"data_offsets\":[0,12]}"), "tensor 'w': entry has no 'dtype'");
  expect_bad(one("{\"dtype\":\"F32\",\"data_offsets\":[0,12]}"), "tensor 'w': entry has no 'shape'");
  expect_bad(one("{\"dtype\":\"F32\",\"shape\":[3]}"), "tensor 'w': entry has no 'data_offsets'");
  expect_bad(one("{\"dtype\":32,\"shape\":[3],\"data_offsets\":[0,12]}"),
             "tensor 'w': 'dtype' must be a string, got 32");
  for (const char* dt : {"I8", "U16", "I16", "U32", "U64", "F8_E4M3", "F8_E5M2", "f32", "float32", ""}) {
    expect_bad(one(std::string("{\"dtype\":\"") + dt + "\",\"shape\":[3],\"data_offsets\":[0,12]}"),
               std::string("tensor 'w': unsupported dtype '") + dt + "' (ember reads F16, BF16, F32, F64");
  }
  expect_bad(one("{\"dtype\":\"F32\",\"shape\":3,\"data_offsets\":[0,12]}"),
             "tensor 'w': 'shape' must be an array, got 3");
  expect_bad(one("{\"dtype\":\"F32\",\"shape\":null,\"data_offsets\":[0,12]}"), "'shape' must be an array, got null");
  expect_bad(one("{\"dtype\":\"F32\",\"shape\":[-3],\"data_offsets\":[0,12]}"),
             "tensor 'w': 'shape' must hold non-negative integers, got [-3]");
  expect_bad(one("{\"dtype\":\"F32\",\"shape\":[3.0],\"data_offsets\":[0,12]}"),
             "'shape' must hold non-negative integers, got [3.0]");
  expect_bad(one("{\"dtype\":\"F32\",\"shape\":[\"3\"],\"data_offsets\":[0,12]}"), "must hold non-negative integers");
  expect_bad(one("{\"dtype\":\"F32\",\"shape\":[18446744073709551616],\"data_offsets\":[0,12]}"),
             "must hold non-negative integers");
  expect_bad(one("{\"dtype\":\"F32\",\"shape\":[9223372036854775808],\"data_offsets\":[0,12]}"),
             "tensor 'w': shape [9223372036854775808] is too large");
  expect_bad(one("{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,12]}"), "is too large");
  expect_bad(one("{\"dtype\":\"F64\",\"shape\":[4611686018427387904],\"data_offsets\":[0,12]}"), "is too large");
  expect_bad(one("{\"dtype\":\"U8\",\"shape\":[0,4294967296,4294967296],\"data_offsets\":[0,0]}"), "is too large");
  for (const char* off : {"[0]", "[0,12,12]", "[]", "12", "[0,-12]", "[-1,11]", "[0,12.0]", "[\"0\",12]", "null"}) {
    expect_bad(one(std::string("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":") + off + "}"),
               std::string("tensor 'w': 'data_offsets' must be [begin, end] with non-negative integers, got ") + off);
  }
  expect_bad(one("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[12,0]}"),
             "tensor 'w': data_offsets [12, 0] end before they begin");
  expect_bad(one("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}"),
             "tensor 'w': data_offsets [0, 12] hold 12 bytes, but shape [2] of F32 needs 8");
  expect_bad(one("{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,0]}"),
             "hold 0 bytes, but shape [] of F32 needs 4");
  expect_bad(one("{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}"),
             "tensor 'w': data_offsets [0, 16] lie outside the 12-byte data buffer");
  expect_bad(one("{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[18446744073709551614,18446744073709551616]}"),
             "'data_offsets' must be [begin, end]");
  expect_bad(one("{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[18446744073709551614,18446744073709551615]}"),
             "lie outside the 12-byte data buffer");
}

TEST_F(SafetensorsTest, OffsetsMustTileTheDataBuffer) {
  auto entry = [](const char* name, const char* dtype, int n, int b, int e) {
    return fmt::format("\"{}\":{{\"dtype\":\"{}\",\"shape\":[{}],\"data_offsets\":[{},{}]}}", name, dtype, n, b, e);
  };
  std::string d12(12, '\0'), d16(16, '\0');
  expect_bad(st_bytes("{" + entry("a", "F32", 2, 0, 8) + "," + entry("b", "F32", 2, 4, 12) + "}", d12),
             "tensor 'b': data_offsets [4, 12] overlap tensor 'a' [0, 8]");
  expect_bad(st_bytes("{" + entry("a", "F32", 2, 0, 8) + "," + entry("b", "F32", 2, 0, 8) + "}", d12),
             "tensor 'b': data_offsets [0, 8] overlap tensor 'a' [0, 8]");
  expect_bad(st_bytes("{" + entry("a", "F32", 2, 0, 8) + "," + entry("z", "U8", 0, 4, 4) + "}", d12),
             "tensor 'z': data_offsets [4, 4] overlap tensor 'a'");
  expect_bad(st_bytes("{" + entry("a", "F32", 2, 4, 12) + "}", d12),
             "tensor 'a': data_offsets [4, 12] leave a gap of 4 bytes after the start of the data buffer");
  expect_bad(st_bytes("{" + entry("a", "F32", 1, 0, 4) + "," + entry("b", "F32", 2, 8, 16) + "}", d16),
             "tensor 'b': data_offsets [8, 16] leave a gap of 4 bytes after tensor 'a'");
  expect_bad(st_bytes("{" + entry("a", "F32", 2, 0, 8) + "}", d12),
             "the tensors cover 8 bytes, but the data buffer has 12 (4 unclaimed bytes at the end)");
  expect_bad(st_bytes("{}", "x"), "the tensors cover 0 bytes, but the data buffer has 1");
  expect_bad(st_bytes("{\"__metadata__\":{}}", "xy"), "the data buffer has 2");
  // A file cut short in its data.
  std::string good = st_bytes("{" + entry("a", "F32", 1, 0, 4) + "," + entry("b", "F32", 2, 4, 12) + "}", d12);
  expect_bad(good.substr(0, good.size() - 1), "tensor 'b': data_offsets [4, 12] lie outside the 11-byte data buffer");
}

TEST_F(SafetensorsTest, BadMetadata) {
  expect_bad(st_bytes("{\"__metadata__\":[1]}", ""), "invalid header: '__metadata__' must be an object, got [1]");
  expect_bad(st_bytes("{\"__metadata__\":\"x\"}", ""), "'__metadata__' must be an object, got \"x\"");
  expect_bad(st_bytes("{\"__metadata__\":{\"n\":3}}", ""), "'__metadata__' value of 'n' must be a string, got 3");
  expect_bad(st_bytes("{\"__metadata__\":{\"a\":\"b\",\"n\":{\"x\":\"y\"}}}", ""),
             "'__metadata__' value of 'n' must be a string, got {\"x\":\"y\"}");
  expect_bad(st_bytes("{\"__metadata__\":{\"n\":null}}", ""), "value of 'n' must be a string, got null");
}

// ---- Fuzzing

// Corrupts a valid file 2000 ways (byte flips, overwrites of the length and the header,
// truncations, insertions); loading may fail only with a ValueError naming the file, and never
// crash. Run under ASan/UBSan to catch out-of-bounds reads.
TEST_F(SafetensorsTest, FuzzedFilesOnlyThrowValueErrors) {
  TensorMap tensors = {{"w", arange(6, kFloat32).view({2, 3})},
                       {"b", from_vector<double>({1, -1})},
                       {"i", from_vector<int64_t>({5, 6, 7})},
                       {"h", ones({2}, kFloat16)},
                       {"g", ones({3}, kBFloat16)},
                       {"m", from_vector<uint8_t>({1, 0}).to(kBool)},
                       {"u", from_vector<uint8_t>({1, 2, 3})},
                       {"n", from_vector<int32_t>({-4})},
                       {"s", tensor(2.0)},
                       {"e", zeros({0, 2}, kInt32)}};
  save_safetensors(tmp("good.safetensors"), tensors, {{"format", "pt"}, {"note", "fuzz"}});
  const std::string good = read_bytes(tmp("good.safetensors"));
  uint64_t header_len = 0;
  for (int i = 0; i < 8; ++i) header_len |= static_cast<uint64_t>(static_cast<unsigned char>(good[i])) << (8 * i);
  ASSERT_LT(8 + header_len, good.size());

  std::mt19937_64 rng(20240611);
  const std::vector<std::string> tokens = {
      "\"", "{", "}", "[", "]", ",", ":", "-", "0", "9", "1e9", "null", "\\", "\xff", std::string(1, '\0'), ""};
  const std::string p = tmp("fuzz.safetensors");
  ember_test::FuzzTally tally;
  for (int iter = 0; iter < 2000; ++iter) {
    std::string f = ember_test::mutate(good, 8 + header_len, tokens, rng);
    if (iter % 6 == 5) {  // a byte of the length field
      f = good;
      f[rng() % 8] = static_cast<char>(rng());
    }
    write_bytes(p, f);
    tally.run(iter, ": " + p + ": ", [&] {
      TensorMap got = load_safetensors(p);
      for (const auto& [k, t] : got) (void)t.to_vector<double>();  // touch every loaded tensor
      load_safetensors_metadata(p);
    });
  }
  const int loaded = tally.loaded, rejected = tally.rejected;
  EXPECT_EQ(loaded + rejected, 2000);
  EXPECT_GT(rejected, 1000);  // most corruptions must be caught
  EXPECT_GT(loaded, 0);       // some (a changed data byte, a value in metadata) are still valid files
}

// A header of 100,000 tensors parses in linear time (nlohmann's callback parser took O(n^2):
// 2.4 s for 16,000 tensors, minutes for 100,000). The bound is loose enough for a busy sanitizer
// build and far below what a quadratic parse needs.
TEST_F(SafetensorsTest, HundredThousandTensorHeaderParsesInLinearTime) {
  constexpr int kTensors = 100000;
  std::string header = "{\"__metadata__\":{\"format\":\"pt\"}";
  std::string data;
  for (int i = 0; i < kTensors; ++i) {
    header += fmt::format(",\"t{}\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[{},{}]}}", i, 4 * i, 4 * i + 4);
    data += le<float>({static_cast<float>(i)});
  }
  header += "}";
  const std::string p = tmp("many.safetensors");
  write_bytes(p, st_bytes(header, data));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(load_safetensors_metadata(p).at("format"), "pt");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << kTensors << "-tensor header parsed in " << seconds << " s\n";
  EXPECT_LT(seconds, 30.0);
  TensorMap got = load_safetensors(p);
  ASSERT_EQ(got.size(), static_cast<size_t>(kTensors));
  EXPECT_EQ(got.at("t99999").item<float>(), 99999.0f);
}

// ---- Interoperability with the Python package, when it is installed

std::string python_with_safetensors() {
  for (std::string py : {"python3", "/usr/bin/python3"}) {
    if (std::system((py + " -c \"import numpy, safetensors.numpy\" >/dev/null 2>&1").c_str()) == 0) return py;
  }
  return "";
}

TEST_F(SafetensorsTest, PythonPackageReadsAndWritesTheSameBytes) {
  std::string py = python_with_safetensors();
  if (py.empty()) GTEST_SKIP() << "python3 with numpy and safetensors is not available";
  save_safetensors(tmp("ember.safetensors"),
                   {{"w", arange(6, kFloat32).view({2, 3}).t()},
                    {"b", from_vector<double>({1, -1})},
                    {"i", from_vector<int64_t>({5})},
                    {"n", from_vector<int32_t>({-4, 4})},
                    {"h", from_vector<float>({1.5, -2}).to(kFloat16)},
                    {"u", from_vector<uint8_t>({1, 2, 3})},
                    {"m", from_vector<uint8_t>({1, 0}).to(kBool)},
                    {"s", tensor(2.0)},
                    {"e", zeros({0, 2}, kInt32)}},
                   {{"format", "np"}});
  std::string script =
      "import numpy as np, sys\n"
      "from safetensors.numpy import load_file, save_file\n"
      "d = sys.argv[1]\n"
      "t = load_file(d + '/ember.safetensors')\n"
      "assert (t['w'] == np.arange(6, dtype=np.float32).reshape(2, 3).T).all()\n"
      "assert t['h'].dtype == np.float16 and t['h'].tolist() == [1.5, -2.0]\n"
      "assert t['m'].dtype == np.bool_ and t['m'].tolist() == [True, False]\n"
      "assert t['s'].shape == () and t['e'].shape == (0, 2)\n"
      "save_file(t, d + '/python.safetensors', metadata={'format': 'np'})\n";
  write_bytes(tmp("check.py"), script);
  int rc = std::system((py + " " + tmp("check.py") + " " + dir_.str()).c_str());
  ASSERT_EQ(rc, 0) << "the safetensors package could not read ember's file (see the traceback above)";
  EXPECT_EQ(read_bytes(tmp("ember.safetensors")), read_bytes(tmp("python.safetensors")));
  TensorMap back = load_safetensors(tmp("python.safetensors"));
  EXPECT_EQ(back.size(), 9u);
}

}  // namespace
