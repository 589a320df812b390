#!/usr/bin/env bash
# Installs the Debian packages ember needs, skipping those already present.
set -euo pipefail
packages=(cmake ninja-build g++ ccache libopenblas-dev libgtest-dev libfmt-dev zlib1g-dev nlohmann-json3-dev
          dataset-fashion-mnist python3-numpy)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
