#!/usr/bin/env bash
# Configures (once) and builds KV Cache Lab into build/. Extra arguments go to ninja.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ ! -f "$root/build/build.ninja" ]]; then
    cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
ninja -C "$root/build" -j "$(nproc)" "$@"
