// Tests of save_npy / load_npy: NumPy-written fixtures (tests/data, made by make_npy_fixtures.py),
// round trips of every dtype and layout, error messages for bad files, and reading ember's files
// back with NumPy when python3 has it.
#include <gtest/gtest.h>

#include <cmath>  // before helpers.h, which uses std::isnan
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "file_bytes.h"
#include "helpers.h"

using namespace ember;
using ember_test::npy_bytes;
using ember_test::read_bytes;
using ember_test::write_bytes;

namespace {

std::string data_path(const std::string& name) { return std::string(EMBER_TEST_DATA_DIR) + "/" + name; }

class NpyTest : public ::testing::Test {
 protected:
  std::string tmp(const std::string& name) const { return dir_.path(name); }

  // Saves t, loads it back and checks dtype, shape and values.
  void round_trip(const Tensor& t, const std::string& name) {
    std::string path = tmp(name);
    save_npy(path, t);
    Tensor u = load_npy(path);
    EXPECT_EQ(u.dtype(), t.dtype()) << name;
    EXPECT_EQ(u.sizes(), t.sizes()) << name;
    EXPECT_TRUE(u.is_contiguous()) << name;
    EXPECT_TRUE(u.is_cpu()) << name;
    EXPECT_EQ(u.to_vector<double>(), t.to_vector<double>()) << name;
  }

  ember_test::TempDir dir_{"ember_npy_"};
};

// ---- Files written by NumPy

TEST_F(NpyTest, LoadsFloat32COrder) {
  Tensor t = load_npy(data_path("f32_2x3.npy"));
  EXPECT_EQ(t.dtype(), kFloat32);
  EXPECT_EQ(t.sizes(), Shape({2, 3}));
  ember_test::expect_values(t, {0.5, 1.5, 2.5, 3.5, 4.5, 5.5});
}

TEST_F(NpyTest, LoadsFloat64FortranOrder) {
  Tensor t = load_npy(data_path("f64_fortran_3x2.npy"));
  EXPECT_EQ(t.dtype(), kFloat64);
  EXPECT_EQ(t.sizes(), Shape({3, 2}));
  EXPECT_TRUE(t.is_contiguous());
  ember_test::expect_values(t, {1, 2, 3, 4, 5, 6});
}

TEST_F(NpyTest, LoadsBigEndian) {
  Tensor t = load_npy(data_path("i64_bigendian.npy"));
  EXPECT_EQ(t.dtype(), kInt64);
  EXPECT_EQ(t.sizes(), Shape({4}));
  EXPECT_EQ(t.to_vector<int64_t>(), (std::vector<int64_t>{1, -2, 300, int64_t(1) << 40}));

  Tensor f = load_npy(data_path("i32_bigendian_f.npy"));  // big-endian and Fortran order
  EXPECT_EQ(f.dtype(), kInt32);
  EXPECT_EQ(f.sizes(), Shape({2, 3}));
  EXPECT_EQ(f.to_vector<int32_t>(), (std::vector<int32_t>{1, 2, 3, -4, -5, 65536}));
}

TEST_F(NpyTest, LoadsBoolUInt8Float16) {
  Tensor b = load_npy(data_path("bool_4.npy"));
  EXPECT_EQ(b.dtype(), kBool);
  EXPECT_EQ(b.to_vector<bool>(), (std::vector<bool>{true, false, false, true}));

  Tensor u = load_npy(data_path("u1_2x2.npy"));
  EXPECT_EQ(u.dtype(), kUInt8);
  EXPECT_EQ(u.sizes(), Shape({2, 2}));
  EXPECT_EQ(u.to_vector<uint8_t>(), (std::vector<uint8_t>{0, 255, 7, 128}));

  Tensor h = load_npy(data_path("f2_3.npy"));
  EXPECT_EQ(h.dtype(), kFloat16);
  EXPECT_EQ(h.sizes(), Shape({3}));
  ember_test::expect_values(h, {1.5, -2.0, 65504.0}, 0);
}

TEST_F(NpyTest, LoadsScalarAndEmpty) {
  Tensor s = load_npy(data_path("i4_scalar.npy"));
  EXPECT_EQ(s.dtype(), kInt32);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.item<int32_t>(), 42);

  Tensor e = load_npy(data_path("f4_empty_0x3.npy"));
  EXPECT_EQ(e.dtype(), kFloat32);
  EXPECT_EQ(e.sizes(), Shape({0, 3}));
  EXPECT_EQ(e.numel(), 0);
}

TEST_F(NpyTest, LoadsFormatVersions2And3) {
  Tensor a = load_npy(data_path("f4_v2.npy"));
  EXPECT_EQ(a.dtype(), kFloat32);
  ember_test::expect_values(a, {1.0, -1.0});
  Tensor b = load_npy(data_path("f8_v3.npy"));
  EXPECT_EQ(b.dtype(), kFloat64);
  ember_test::expect_values(b, {0.25, 8.0});
}

TEST_F(NpyTest, LoadsHandWrittenVariants) {
  // Double quotes, no trailing comma, keys in another order, '=' byte order, Python 2 longs.
  std::string data(8, '\0');
  double v[1] = {2.5};
  std::memcpy(&data[0], v, 8);
  write_bytes(tmp("a.npy"), npy_bytes(1, "{\"shape\": (1L,), \"fortran_order\": False, \"descr\": \"=f8\"}", data));
  Tensor t = load_npy(tmp("a.npy"));
  EXPECT_EQ(t.sizes(), Shape({1}));
  ember_test::expect_values(t, {2.5});

  // A big-endian float32 written by hand, and 3-D Fortran order.
  std::string be("\x3f\xc0\x00\x00\xc0\x20\x00\x00", 8);  // 1.5, -2.5
  write_bytes(tmp("b.npy"), npy_bytes(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", be));
  ember_test::expect_values(load_npy(tmp("b.npy")), {1.5, -2.5});

  std::string f(8, '\0');
  for (int i = 0; i < 8; ++i) f[i] = static_cast<char>(i);  // column-major bytes of a (2, 2, 2) array
  write_bytes(tmp("c.npy"), npy_bytes(1, "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 2, 2), }", f));
  // Element [i][j][k] sits at i + 2j + 4k.
  ember_test::expect_values(load_npy(tmp("c.npy")), {0, 4, 2, 6, 1, 5, 3, 7});
}

// ---- Round trips

TEST_F(NpyTest, RoundTripsEveryDType) {
  Tensor base = from_vector<double>({0, 1, -2.5, 3, 1000, -7}, Shape{2, 3});
  for (DType d : {kFloat16, kFloat32, kFloat64, kInt32, kInt64}) round_trip(base.to(d), dtype_name(d) + ".npy");
  round_trip(from_vector<uint8_t>({0, 1, 128, 255}, Shape{2, 2}), "u8.npy");
  round_trip(from_vector<uint8_t>({1, 0, 0, 1, 1}).to(kBool), "bool.npy");
  round_trip(from_vector<int64_t>({INT64_MIN, INT64_MAX, 0}), "i64_extremes.npy");
}

TEST_F(NpyTest, RoundTripsScalarEmptyAndVector) {
  round_trip(tensor(3.25), "scalar_f32.npy");
  round_trip(tensor(int64_t(-9)), "scalar_i64.npy");
  round_trip(tensor(true), "scalar_bool.npy");
  round_trip(zeros({0, 3}), "empty_0x3.npy");
  round_trip(zeros({0}, kInt32), "empty_0.npy");
  round_trip(zeros({2, 0, 4}, kFloat64), "empty_2x0x4.npy");
  round_trip(from_vector<float>({1, 2, 3}), "vec3.npy");
  round_trip(ones({1, 1, 1, 1, 1, 1, 1, 2}), "rank8.npy");
}

TEST_F(NpyTest, RoundTripsNonContiguous) {
  Tensor x = arange(12, kFloat32).view({3, 4});
  round_trip(x.t(), "transposed.npy");
  round_trip(x.slice(1, 1, 4, 2), "sliced.npy");
  round_trip(x.select(1, 2), "selected.npy");
  round_trip(ember_test::with_gaps(x.to(kInt64)), "gaps_i64.npy");
  round_trip(ember_test::with_gaps(x.to(kFloat64)), "gaps_f64.npy");
  round_trip(from_vector<float>({1, 2}).view({2, 1}).expand({2, 3}), "expanded.npy");
  round_trip(x.permute({1, 0}).slice(0, 1, 3), "permuted_sliced.npy");
}

TEST_F(NpyTest, RoundTripsFromCuda) {
  if (!cuda::is_available()) GTEST_SKIP() << "CUDA is not available";
  Tensor x = arange(6, kFloat32).view({2, 3}).to(Device(kCUDA, 0));
  save_npy(tmp("cuda.npy"), x.t());
  Tensor u = load_npy(tmp("cuda.npy"));
  EXPECT_TRUE(u.is_cpu());
  EXPECT_EQ(u.sizes(), Shape({3, 2}));
  ember_test::expect_values(u, {0, 3, 1, 4, 2, 5});
}

TEST_F(NpyTest, WritesNumPyStyleHeader) {
  save_npy(tmp("h.npy"), zeros({2, 3}, kFloat32));
  std::string bytes = read_bytes(tmp("h.npy"));
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ((10 + header_len) % 64, 0u);
  EXPECT_EQ(bytes.size(), 10 + header_len + 6 * 4);
  std::string header = bytes.substr(10, header_len);
  EXPECT_EQ(header.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0), 0u) << header;
  EXPECT_EQ(header.back(), '\n');

  save_npy(tmp("v.npy"), zeros({3}, kUInt8));
  EXPECT_NE(read_bytes(tmp("v.npy")).find("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }"),
            std::string::npos);
  save_npy(tmp("s.npy"), tensor(true));
  EXPECT_NE(read_bytes(tmp("s.npy")).find("{'descr': '|b1', 'fortran_order': False, 'shape': (), }"),
            std::string::npos);
}

// ---- Errors

TEST_F(NpyTest, BFloat16CannotBeSaved) {
  EXPECT_THROW_MSG(save_npy(tmp("bf.npy"), ones({2}, kBFloat16)), TypeError, "bfloat16");
}

TEST_F(NpyTest, MissingFile) {
  std::string path = tmp("does_not_exist.npy");
  EXPECT_THROW_MSG(load_npy(path), ValueError, "load_npy: " + path + ": cannot open file");
  EXPECT_THROW_MSG(load_npy(dir_.str()), ValueError, "load_npy: " + dir_.str() + ": not a readable file");
}

TEST_F(NpyTest, BadMagic) {
  write_bytes(tmp("m.npy"), "PK\x03\x04 this is a zip file, not an npy file");
  EXPECT_THROW_MSG(load_npy(tmp("m.npy")), ValueError, "load_npy: " + tmp("m.npy") + ": not a .npy file (bad magic");
  write_bytes(tmp("empty.npy"), "");
  EXPECT_THROW_MSG(load_npy(tmp("empty.npy")), ValueError, "bad magic");
  std::string good = npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", std::string(4, '\0'));
  good[6] = 9;
  write_bytes(tmp("ver.npy"), good);
  EXPECT_THROW_MSG(load_npy(tmp("ver.npy")), ValueError, "unsupported .npy format version 9.0");
}

TEST_F(NpyTest, TruncatedFiles) {
  save_npy(tmp("full.npy"), arange(10, kFloat64));
  std::string bytes = read_bytes(tmp("full.npy"));
  std::string p = tmp("cut.npy");

  write_bytes(p, bytes.substr(0, bytes.size() - 3));  // data cut short
  EXPECT_THROW_MSG(load_npy(p), ValueError, "load_npy: " + p + ": truncated data: shape [10] of <f8 needs 80 bytes");
  write_bytes(p, bytes.substr(0, 40));  // header cut short
  EXPECT_THROW_MSG(load_npy(p), ValueError, "load_npy: " + p + ": truncated file");
  write_bytes(p, bytes.substr(0, 9));  // header length cut short
  EXPECT_THROW_MSG(load_npy(p), ValueError, "truncated file (header length missing)");
  write_bytes(p, bytes.substr(0, 7));  // version cut short
  EXPECT_THROW_MSG(load_npy(p), ValueError, "bad magic");
}

TEST_F(NpyTest, UnsupportedDTypes) {
  std::string p = tmp("d.npy");
  for (const char* descr : {"<c8", "|O", "<U5", "|i1", "<u2", "<f16", "f4", "|S3"}) {
    write_bytes(p, npy_bytes(1, std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (1,), }",
                             std::string(16, '\0')));
    EXPECT_THROW_MSG(load_npy(p), ValueError, std::string("load_npy: ") + p + ": unsupported dtype '" + descr + "'");
  }
  write_bytes(p,
              npy_bytes(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", std::string(4, '\0')));
  EXPECT_THROW_MSG(load_npy(p), ValueError, "unsupported dtype (structured");
}

TEST_F(NpyTest, BadHeaderDict) {
  std::string p = tmp("h.npy");
  auto expect_bad = [&](const std::string& header, const std::string& fragment) {
    write_bytes(p, npy_bytes(1, header, std::string(64, '\0')));
    EXPECT_THROW_MSG(load_npy(p), ValueError, "load_npy: " + p + ": bad header");
    EXPECT_THROW_MSG(load_npy(p), ValueError, fragment);
  };
  expect_bad("{'descr': '<f4', 'fortran_order': False}", "must have the keys");
  expect_bad("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", "unexpected key 'extra'");
  expect_bad("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,)}", "expected True or False");
  expect_bad("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", "expected a non-negative integer");
  expect_bad("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}", "expected ',' or ')'");
  expect_bad("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", "dimension too large");
  expect_bad("{'descr: '<f4'", "expected ':'");
  expect_bad("not a dict", "expected '{'");
  expect_bad("", "expected '{'");
  expect_bad("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "expected '}'");

  write_bytes(p, npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", ""));
  EXPECT_THROW_MSG(load_npy(p), ValueError, "is too large");
  // No elements, but strides that overflow: still a ValueError naming the file.
  write_bytes(p, npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4611686018427387904, 4), }", ""));
  EXPECT_THROW_MSG(load_npy(p), ValueError, "load_npy: " + p + ": shape [0, 4611686018427387904, 4] is too large");
}

// NumPy allows 32 dims, and so do ember's kernels; a 33rd is refused by the loader.
TEST_F(NpyTest, ThirtyTwoDims) {
  std::string p = tmp("d32.npy");
  std::string shape;
  for (int i = 0; i < 31; ++i) shape += "1, ";
  write_bytes(p, npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "2), }",
                           ember_test::le<float>({1.5f, 2.0f})));
  Tensor t = load_npy(p);
  EXPECT_EQ(t.dim(), 32);
  EXPECT_EQ(t.sum().item<float>(), 3.5f);
  EXPECT_EQ((t * t).transpose(0, 31).contiguous().sum().item<float>(), 6.25f);
  write_bytes(p, npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, " + shape + "2), }",
                           ember_test::le<float>({1.5f, 2.0f})));
  EXPECT_THROW_MSG(load_npy(p), ValueError, "load_npy: " + p + ": shape [1, 1,");
  EXPECT_THROW_MSG(load_npy(p), ValueError, "has 33 dims; NumPy and ember allow at most 32");
}

// Mutations of valid files (C and Fortran order, big-endian, bool, 0-dim): loading either
// succeeds or throws a ValueError naming the file; never another exception or a crash (run
// under ASan/UBSan to catch out-of-bounds reads).
TEST_F(NpyTest, FuzzedFilesOnlyThrowValueErrors) {
  const std::vector<std::string> good = {read_bytes(data_path("f32_2x3.npy")),
                                         read_bytes(data_path("f64_fortran_3x2.npy")),
                                         read_bytes(data_path("i64_bigendian.npy")),
                                         read_bytes(data_path("bool_4.npy")), read_bytes(data_path("i4_scalar.npy"))};
  const std::vector<std::string> tokens = {"(",
                                           ")",
                                           ",",
                                           "'",
                                           ":",
                                           "0",
                                           "9",
                                           "-1",
                                           "99999999999999999999",
                                           "True",
                                           "'<f8'",
                                           "'|b1'",
                                           "}",
                                           std::string(1, '\0'),
                                           ""};
  std::mt19937_64 rng(20261204);
  const std::string p = tmp("fuzz.npy");
  ember_test::FuzzTally tally;
  for (int iter = 0; iter < 2000; ++iter) {
    const std::string& base = good[static_cast<size_t>(iter) % good.size()];
    write_bytes(p, ember_test::mutate(base, 128, tokens, rng));
    tally.run(iter, "load_npy: " + p + ": ", [&] { (void)load_npy(p).to_vector<double>(); });
  }
  const int loaded = tally.loaded, rejected = tally.rejected;
  EXPECT_EQ(loaded + rejected, 2000);
  EXPECT_GT(rejected, 1000);
  EXPECT_GT(loaded, 0);
}

// ---- Interoperability with NumPy

// The python3 that has NumPy: the one on PATH, else the system one; empty when neither has it.
std::string python_with_numpy() {
  for (std::string py : {"python3", "/usr/bin/python3"}) {
    if (std::system((py + " -c \"import numpy\" >/dev/null 2>&1").c_str()) == 0) return py;
  }
  return "";
}

TEST_F(NpyTest, NumPyReadsEmberFiles) {
  std::string py = python_with_numpy();
  if (py.empty()) GTEST_SKIP() << "python3 with numpy is not available";
  Tensor x = arange(12, kFloat32).view({3, 4});
  save_npy(tmp("f32.npy"), x.t());                                             // non-contiguous
  save_npy(tmp("f2.npy"), from_vector<float>({1.5, -2, 65504}).to(kFloat16));  // float16
  save_npy(tmp("b.npy"), from_vector<uint8_t>({1, 0, 1}).to(kBool));           // bool
  save_npy(tmp("i8.npy"), tensor(int64_t(-5)));                                // 0-dim
  save_npy(tmp("e.npy"), zeros({0, 2}, kInt32));                               // empty
  std::string script =
      "import numpy as np, sys\n"
      "d = sys.argv[1]\n"
      "a = np.load(d + '/f32.npy')\n"
      "assert a.dtype == np.float32 and a.shape == (4, 3), (a.dtype, a.shape)\n"
      "assert (a == np.arange(12, dtype=np.float32).reshape(3, 4).T).all()\n"
      "h = np.load(d + '/f2.npy')\n"
      "assert h.dtype == np.float16 and h.tolist() == [1.5, -2.0, 65504.0]\n"
      "b = np.load(d + '/b.npy')\n"
      "assert b.dtype == np.bool_ and b.tolist() == [True, False, True]\n"
      "s = np.load(d + '/i8.npy')\n"
      "assert s.dtype == np.int64 and s.shape == () and s == -5\n"
      "e = np.load(d + '/e.npy')\n"
      "assert e.dtype == np.int32 and e.shape == (0, 2)\n";
  std::string script_path = tmp("check.py");
  write_bytes(script_path, script);
  int rc = std::system((py + " " + script_path + " " + dir_.str()).c_str());
  EXPECT_EQ(rc, 0) << "numpy could not read ember's files (see the Python traceback above)";
}

}  // namespace
