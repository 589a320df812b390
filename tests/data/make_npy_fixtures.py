"""Writes the tiny .npy fixtures that tests/test_npy.cpp loads. Documentation only: the tests
read the committed files and never run this script. Run: python3 make_npy_fixtures.py

Each file and the values the tests check (row-major order of the logical array):
  f32_2x3.npy          float32 (2, 3), C order        [[0, 1, 2], [3, 4, 5]] + 0.5
  f64_fortran_3x2.npy  float64 (3, 2), Fortran order  [[1, 2], [3, 4], [5, 6]]
  i64_bigendian.npy    '>i8' (4,)                      [1, -2, 300, 2**40]
  i32_bigendian_f.npy  '>i4' (2, 3), Fortran order    [[1, 2, 3], [-4, -5, 65536]]
  bool_4.npy           bool (4,)                       [True, False, False, True]
  u1_2x2.npy           uint8 (2, 2)                    [[0, 255], [7, 128]]
  f2_3.npy             float16 (3,)                    [1.5, -2.0, 65504.0]
  i4_scalar.npy        int32 () (0-dim)                42
  f4_empty_0x3.npy     float32 (0, 3)                  no values
  f4_v2.npy            float32 (2,), format 2.0        [1.0, -1.0]
  f8_v3.npy            float64 (2,), format 3.0        [0.25, 8.0]
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, arr, version=None):
    path = os.path.join(HERE, name)
    if version is None:
        np.save(path, arr)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, arr, version=version)


save("f32_2x3.npy", np.arange(6, dtype=np.float32).reshape(2, 3) + 0.5)
save("f64_fortran_3x2.npy", np.asfortranarray(np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float64)))
save("i64_bigendian.npy", np.array([1, -2, 300, 2**40], dtype=">i8"))
save("i32_bigendian_f.npy", np.asfortranarray(np.array([[1, 2, 3], [-4, -5, 65536]], dtype=">i4")))
save("bool_4.npy", np.array([True, False, False, True]))
save("u1_2x2.npy", np.array([[0, 255], [7, 128]], dtype=np.uint8))
save("f2_3.npy", np.array([1.5, -2.0, 65504.0], dtype=np.float16))
save("i4_scalar.npy", np.array(42, dtype=np.int32))
save("f4_empty_0x3.npy", np.zeros((0, 3), dtype=np.float32))
save("f4_v2.npy", np.array([1.0, -1.0], dtype=np.float32), version=(2, 0))
save("f8_v3.npy", np.array([0.25, 8.0], dtype=np.float64), version=(3, 0))
