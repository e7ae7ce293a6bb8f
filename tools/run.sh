#!/usr/bin/env bash
# Quick start, step 1: installs what is missing, builds, and opens the
# walk-through on the shipped model. Arguments go to kvcache-lab
# (try --help). Without a display it walks through in the terminal.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/install-deps.sh"
"$root/tools/build.sh" kvcache-lab
exec "$root/build/app/kvcache-lab" "$@"
