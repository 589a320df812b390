#!/usr/bin/env bash
# The README's second command (and CI's): install what is missing, build Release with
# warnings as errors, run every test and the consumer project both ways, then build and run
# the tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/install_deps.sh
jobs=$(nproc)

echo "== Release build (-Wall -Wextra -Werror)"
cmake -S . -B build-ci -G Ninja -DCMAKE_BUILD_TYPE=Release -DEMBER_WERROR=ON -DEMBER_BUILD_TESTS=ON -DEMBER_BUILD_EXAMPLES=ON
cmake --build build-ci -j "$jobs"
ctest --test-dir build-ci --output-on-failure -j "$jobs"
./build-ci/examples/demo > /dev/null

echo "== Consumer project: add_subdirectory"
cmake -S tests/consumer -B build-ci/consumer-sub -G Ninja -DEMBER_SOURCE_DIR="$root"
cmake --build build-ci/consumer-sub -j "$jobs"
./build-ci/consumer-sub/consumer

echo "== Consumer project: find_package from an install prefix"
cmake --install build-ci --prefix build-ci/prefix > /dev/null
cmake -S tests/consumer -B build-ci/consumer-pkg -G Ninja -DCMAKE_PREFIX_PATH="$root/build-ci/prefix"
cmake --build build-ci/consumer-pkg -j "$jobs"
LD_LIBRARY_PATH="$root/build-ci/prefix/lib:${LD_LIBRARY_PATH:-}" ./build-ci/consumer-pkg/consumer

echo "== Sanitizers (address,undefined)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEMBER_SANITIZE=address,undefined \
  -DEMBER_BUILD_TESTS=ON -DEMBER_BUILD_EXAMPLES=OFF -DEMBER_CUDA=OFF
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j "$jobs"
echo "== All tests passed"
