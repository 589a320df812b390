#!/usr/bin/env bash
# The README's first command: install what is missing (Fashion-MNIST included), build ember
# (Release) and train the MLP example on Fashion-MNIST. Extra arguments go to the example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DEMBER_BUILD_TESTS=OFF
cmake --build build
./build/examples/mlp_fashion_mnist "$@"
