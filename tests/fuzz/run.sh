#!/usr/bin/env bash
# Builds every libFuzzer target tests/fuzz/fuzz_*.cpp with Debian's clang
# (AddressSanitizer and UBSan on) and runs each for SECONDS (default 60) on a
# corpus seeded from the shipped models. Exits 1 if any target crashed; the
# input that crashed it is kept as build-fuzz/crash-* (replay: build-fuzz/TARGET FILE).
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]   (TARGET: fuzz_config, ...; default all)
#
# A target names what it needs in two comment lines of its source:
#   // fuzz-sources: core/io/LoadError.cpp ...   the core files it links (root-relative)
#   // fuzz-seeds: assets/models/*/config.json   files copied into its corpus; `GLOB + "TEXT"`
#                                                appends TEXT (C escapes) to each seed
#   // fuzz-libs: libpcre2-8                    pkg-config modules it links (optional)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-60}"
shift || true
out="$root/build-fuzz"
mkdir -p "$out"
cxx="${CXX_FUZZ:-clang++}"

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    for source in "$root"/tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$source" .cpp)"); done
fi

field() { sed -n "s|^// $2: ||p" "$1" | head -n 1; }

seed() { # seed CORPUS LINE: copies the seed files of a fuzz-seeds line
    local corpus="$1" glob="${2%% + *}" suffix=""
    [[ "$2" == *" + "* ]] && suffix="${2#* + }" && suffix="${suffix#\"}" && suffix="${suffix%\"}"
    local file
    for file in $root/$glob; do
        [[ -f "$file" ]] || continue
        local name
        name="$(basename "$(dirname "$file")")-$(basename "$file")"
        { cat "$file"; printf '%b' "$suffix"; } > "$corpus/$name"
    done
}

summary=()
failed=0
for target in "${targets[@]}"; do
    source="$root/tests/fuzz/$target.cpp"
    [[ -f "$source" ]] || { echo "no such fuzz target: $source" >&2; exit 2; }
    read -r -a sources <<< "$(field "$source" fuzz-sources)"
    read -r -a libs <<< "$(field "$source" fuzz-libs)"
    flags=()
    [[ ${#libs[@]} -gt 0 ]] && read -r -a flags <<< "$(pkg-config --cflags --libs "${libs[@]}")"
    echo "== $target: building"
    "$cxx" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -I"$root" -I/usr/include/eigen3 "$source" "${sources[@]/#/$root/}" "${flags[@]}" -o "$out/$target"
    corpus="$out/corpus-$target"
    mkdir -p "$corpus"
    seed "$corpus" "$(field "$source" fuzz-seeds)"
    echo "== $target: fuzzing for $seconds s"
    log="$out/$target.log"
    set +e
    "$out/$target" -artifact_prefix="$out/" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 "$corpus" > "$log" 2>&1
    status=$?
    set -e
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    time="$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")"
    if [[ $status -ne 0 ]]; then
        failed=1
        tail -n 40 "$log"
        summary+=("$target: CRASHED (exit $status) after ${runs:-?} executions; see $log")
    else
        summary+=("$target: ${runs:-?} executions in ${time:-?} s, no crash, corpus $(ls "$corpus" | wc -l) inputs")
    fi
done
echo "== fuzzing summary"
printf '%s\n' "${summary[@]}"
exit $failed
