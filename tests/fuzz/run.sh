#!/usr/bin/env bash
# Builds the libFuzzer targets with Debian's clang and runs each for SECONDS
# (default 60) on a corpus seeded from the shipped models.
# Usage: tests/fuzz/run.sh [SECONDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-60}"
out="$root/build-fuzz"
mkdir -p "$out/corpus-safetensors"
cp -n "$root"/assets/models/*/model.safetensors "$out/corpus-safetensors/" 2>/dev/null || true
for m in "$root"/assets/models/*/; do cp -n "$m/model.safetensors" "$out/corpus-safetensors/$(basename "$m").safetensors"; done
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I"$root" -I/usr/include/eigen3 \
    "$root/tests/fuzz/fuzz_safetensors.cpp" "$root/core/io/SafetensorsFile.cpp" "$root/core/io/LoadError.cpp" \
    -o "$out/fuzz_safetensors"
"$out/fuzz_safetensors" -artifact_prefix="$out/" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 "$out/corpus-safetensors"
