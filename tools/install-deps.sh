#!/usr/bin/env bash
# Installs the Debian 12 packages KV Cache Lab needs, only those missing.
# Usage: tools/install-deps.sh [--test]   (--test adds Xvfb and image tools)
set -euo pipefail

packages=(qt6-base-dev qt6-svg-dev libeigen3-dev libqcustomplot-dev libqcustomplot2.1-qt6
          nlohmann-json3-dev cmake ninja-build g++
          libopenblas-openmp-dev # the matrix products: runtime CPU dispatch, threads through OpenMP
          fonts-dejavu-extra # DejaVu Sans Condensed: the in-cell numbers of the diagrams (views/style numberFont)
          libpcre2-dev pkg-config) # tokenizer.json pre-tokenizer regexes (\p{L}, lookahead): PCRE2, found by pkg-config
if [[ "${1:-}" == "--test" ]]; then
    # desktop-file-utils and appstream validate the .desktop file and the metainfo (CTest desktop_files_validate)
    packages+=(xvfb xauth imagemagick poppler-utils desktop-file-utils appstream)
    # clang and its runtime (libFuzzer, sanitizers) build the fuzz targets of tests/fuzz/run.sh, run by .ci/run
    packages+=(clang libclang-rt-14-dev)
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
