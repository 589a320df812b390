#!/usr/bin/env bash
# The whole GPU check in one call on a machine with an NVIDIA GPU: get a CUDA build of ember,
# run ctest in it, gpu_bench (ember vs cudaMemcpy/cuBLAS), torch_bench.py (PyTorch, same rows)
# and, when Fashion-MNIST is there, 3 epochs of examples/mlp_fashion_mnist on cuda. Everything
# lands in ${OUT:-results}/ (7 files); the end of stdout repeats the tables.
#
# Getting the build. ember's configure needs fmt, nlohmann-json, zlib and OpenBLAS (top-level
# CMakeLists.txt); the GPU machine has nvcc, cmake, ninja and PyTorch but maybe not those. So:
#   - If build-gpu-pack/ is there, its build is used as is (nothing is compiled on the GPU
#     machine). Make it here, on Debian with the packages, once per source change:
#         benchmarks/gpu/run.sh pack     # builds build-gpu (sm_90), packs it into build-gpu-pack/
#     then carry it:  run(command="benchmarks/gpu/run.sh", carry=["build-gpu-pack"], timeout_s=600)
#     The pack holds the programs, libember.so and the shared libraries they need beyond glibc,
#     libstdc++ and CUDA (OpenBLAS, fmt, gfortran), gzipped (25-30 MiB), plus the
#     Fashion-MNIST files when they fit under the tool's 64 MiB.
#   - Otherwise the script configures and builds build-gpu on the GPU machine with
#         cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90
#               -DEMBER_BUILD_TESTS=ON -DEMBER_BUILD_BENCHMARKS=ON   (and the rest of cmake_flags below)
#     which works only where those packages exist, and takes minutes of the 10-minute call; if
#     it fails, the ember steps are skipped (build.log says why) and torch_bench.py still runs.
#
# Usage: benchmarks/gpu/run.sh [pack]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build="build-gpu"
pack="build-gpu-pack"
cmake_flags=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DEMBER_CUDA=ON -DEMBER_BUILD_TESTS=ON -DEMBER_BUILD_EXAMPLES=ON
  -DEMBER_BUILD_BENCHMARKS=ON -DCMAKE_DISABLE_FIND_PACKAGE_Torch=ON)  # gpu_bench needs no libtorch

# One deadline for the GPU-side steps, inside the tool's 600 s: each step gets its own cap or
# what is left, whichever is smaller, so a hung step cannot starve the ones after it.
deadline=$((SECONDS + 560))
budget() {
  local left=$((deadline - SECONDS))
  if ((left < $1)); then echo $((left > 5 ? left : 5)); else echo "$1"; fi
}

# ---- pack (run here, not on the GPU machine) ----------------------------------------------
if [ "${1:-}" = pack ]; then
  set -e
  # EMBER_PACK_FROM=DIR packs an existing CUDA build instead of (re)building build-gpu.
  from=${EMBER_PACK_FROM:-}
  if [ -z "$from" ]; then
    # 90-real: SASS for the H100/H200 only (no PTX), half the size of the default. No
    # -march=native: the GPU machine's processor is not this one.
    cmake -S . -B "$build" "${cmake_flags[@]}" -DCMAKE_CUDA_ARCHITECTURES=90-real -DEMBER_NATIVE=OFF
    cmake --build "$build"
    from=$build
  fi
  from=$(cd "$from" && pwd)
  rm -rf "$pack" && mkdir -p "$pack/runtime-libs"
  # Shared libraries the programs need beyond glibc, libstdc++ and zlib (the GPU machine's own,
  # newer ones serve), CUDA's (they must match its driver) and ember itself.
  libs=$({ find "$from/src" "$from/tests" "$from/examples" "$from/benchmarks" -maxdepth 1 -type f -perm -u+x \
    -exec ldd {} + 2>/dev/null || true; } | awk '/=> \// {print $3}' | sort -u |
    grep -Ev '/lib(c|m|mvec|dl|rt|pthread|stdc\+\+|gcc_s|z|cublas|cublasLt|cudart|ember)\.so' || true)
  echo "$libs" | xargs -r cp -L -t "$pack/runtime-libs"
  # The build records absolute paths (ctest's files, RUNPATHs, the tests' data folder): the GPU
  # machine recreates them with symbolic links.
  grep '^CMAKE_HOME_DIRECTORY' "$from/CMakeCache.txt" | cut -d= -f2 >"$pack/source_dir"
  echo "$from" >"$pack/build_dir"
  tar -czf "$pack/build.tar.gz" --exclude='*.o' --exclude='*.o.d' --exclude='.ninja_*' -C "$from" . \
    -C "$root/$pack" runtime-libs
  rm -rf "$pack/runtime-libs"
  data=/usr/share/datasets/fashion-mnist
  if [ -d "$data" ] && [ $(($(du -sm "$pack" | cut -f1) + $(du -sm "$data" | cut -f1))) -lt 56 ]; then
    cp -r "$data" "$pack/fashion-mnist"
  fi
  echo "packed $(du -sh "$pack" | cut -f1) into $pack/ ($(ls "$pack" | tr '\n' ' '));" \
    "the tool carries at most 64 MiB with the repository. On the GPU machine:"
  echo "  benchmarks/gpu/run.sh   (with carry=[\"$pack\"])"
  exit 0
fi

# ---- the GPU machine ------------------------------------------------------------------------
out=${OUT:-results}
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { echo "== $*"; }
with_libs() { LD_LIBRARY_PATH=$ember_ld${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} "$@"; }

# libcublas.so.13: the toolkit's, else the one PyTorch's wheels bring. Only ember's programs get
# this (with_libs): PyTorch keeps loading its own cuBLAS.
cuda_libs=/usr/local/cuda/lib64:/usr/local/cuda/lib
wheel_cublas=$(find "$(python3 -c 'import site; print(site.getsitepackages()[0])' 2>/dev/null)/nvidia" \
  -name 'libcublas.so.*' 2>/dev/null | head -1)
[ -n "$wheel_cublas" ] && cuda_libs=$cuda_libs:$(dirname "$wheel_cublas")

{
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1
  nvcc --version 2>&1 | tail -1
  cmake --version 2>&1 | head -1
  python3 -c 'import torch; print("torch", torch.__version__, torch.version.cuda)' 2>&1
  echo "repository: $root"
} >"$out/env.log"
cat "$out/env.log"

have_build=0
if [ -f "$pack/build.tar.gz" ]; then
  log "using the build carried in $pack/ (built from $(cat "$pack/source_dir"))"
  rm -rf "$build" && mkdir -p "$build" && tar -C "$build" -xzf "$pack/build.tar.gz"
  src_dir=$(cat "$pack/source_dir")
  build_dir=$(cat "$pack/build_dir")
  for pair in "$src_dir:$root" "$build_dir:$root/$build"; do
    link=${pair%%:*} target=${pair#*:}
    if [ ! -e "$link" ] && [ ! -L "$link" ]; then
      mkdir -p "$(dirname "$link")" && ln -s "$target" "$link"
    elif [ "$(cd "$link" && pwd -P)" != "$(cd "$target" && pwd -P)" ]; then
      echo "warning: $link exists and is not $target: ctest may not find the tests" | tee -a "$out/env.log"
    fi
  done
  ember_ld=$root/$build/src:$root/$build/runtime-libs:$cuda_libs
  have_build=1
  [ -d "$pack/fashion-mnist" ] && data_dir=$root/$pack/fashion-mnist
else
  log "building $build (log: build.log)"
  ember_ld=$cuda_libs
  if timeout "$(budget 240)" cmake -S . -B "$build" "${cmake_flags[@]}" -DCMAKE_CUDA_ARCHITECTURES=90 >"$out/build.log" 2>&1 &&
    timeout "$(budget 300)" cmake --build "$build" -j "$(nproc)" >>"$out/build.log" 2>&1; then
    have_build=1
  else
    echo "build failed or timed out (the Debian packages are missing?): ember steps skipped; tail of build.log:"
    tail -15 "$out/build.log"
  fi
fi
data_dir=${data_dir:-/usr/share/datasets/fashion-mnist}

if [ "$have_build" = 1 ]; then
  log "missing shared libraries (none expected):"
  with_libs ldd "$build/src/libember.so" "$build/benchmarks/gpu_bench" 2>&1 | grep 'not found' || echo "none"

  log "ctest (log: ctest.log)"
  (cd "$build" && with_libs timeout "$(budget 150)" ctest -j "$(nproc)" --timeout 120 --output-on-failure) >"$out/ctest.log" 2>&1
  echo "ctest exit status $?"
  sed -n '/tests passed/p; /The following tests FAILED/,$p' "$out/ctest.log" | head -40

  log "gpu_bench"
  if [ ! -x "$build/benchmarks/gpu_bench" ]; then  # a build made without -DEMBER_BUILD_BENCHMARKS=ON
    echo "building gpu_bench directly against $build/src/libember.so"
    mkdir -p "$build/benchmarks"
    g++ -std=c++17 -O2 -Iinclude -I/usr/local/cuda/include benchmarks/gpu/gpu_bench.cpp -L"$build/src" -lember \
      -L/usr/local/cuda/lib64 -L/usr/local/cuda/lib -lcudart -lcublas -o "$build/benchmarks/gpu_bench"
  fi
  with_libs timeout "$(budget 150)" "$build/benchmarks/gpu_bench" >"$out/gpu_bench.md" 2>&1
  echo "gpu_bench exit status $?"
fi

log "torch_bench.py"
ember_md=()
[ -s "$out/gpu_bench.md" ] && ember_md=(--ember "$out/gpu_bench.md")
PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 timeout "$(budget 150)" python3 benchmarks/gpu/torch_bench.py "${ember_md[@]}" \
  >"$out/torch_bench.md" 2>&1
echo "torch_bench exit status $?"

if [ "$have_build" = 1 ] && [ -d "$data_dir" ]; then
  log "mlp_fashion_mnist --device cuda --epochs 3 (data: $data_dir)"
  with_libs timeout "$(budget 120)" "$build/examples/mlp_fashion_mnist" --device cuda --epochs 3 --data "$data_dir" \
    --metrics "$out/mlp_metrics.csv" >"$out/mlp_fashion_mnist.log" 2>&1
  echo "mlp_fashion_mnist exit status $?"
  grep -v '^epoch .* batch ' "$out/mlp_fashion_mnist.log" | tail -15
else
  log "mlp_fashion_mnist skipped (no build, or no data at $data_dir)"
fi

# The tables last, where the tool's output tail shows them.
[ -f "$out/gpu_bench.md" ] && { log "gpu_bench.md"; cat "$out/gpu_bench.md"; }
log "torch_bench.md"
cat "$out/torch_bench.md"
log "all output in $out: $(ls "$out" | tr '\n' ' ')"
