#!/usr/bin/env bash
# Starts the real kvcache-lab under Xvfb at step 3, lets it save a grab of its
# own window, and checks the picture is not blank (many distinct colours).
set -euo pipefail
binary="$1"
out="$2"
rm -f "$out"
env -u QT_QPA_PLATFORM xvfb-run -a -s "-screen 0 1920x1080x24" \
    "$binary" --step 3 --phase 7 --screenshot "$out"
[[ -s "$out" ]] || { echo "no screenshot written" >&2; exit 1; }
colours=$(identify -format '%k' "$out")
size=$(identify -format '%wx%h' "$out")
echo "screenshot $size with $colours distinct colours"
[[ "$colours" -gt 200 ]] || { echo "screenshot looks blank" >&2; exit 1; }
