#!/usr/bin/env bash
# Installs the build into a fresh prefix, checks the desktop files land in the
# standard places, then runs the installed binary from another directory: it
# must find its models under the prefix, not in the source tree.
# Usage: check_install.sh BUILD_DIR APP_ID
set -euo pipefail
build="$1"
id="$2"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null

status=0
for file in bin/kvcache-lab \
            share/kvcache-lab/models/tiny-mha/model.safetensors share/kvcache-lab/models/tiny-gqa/config.json \
            share/applications/$id.desktop share/metainfo/$id.metainfo.xml \
            share/icons/hicolor/scalable/apps/$id.svg share/icons/hicolor/48x48/apps/$id.png \
            share/icons/hicolor/256x256/apps/$id.png; do
    if [[ ! -s "$prefix/$file" ]]; then
        echo "missing after install: $file"
        status=1
    fi
done

cd /
export -n DISPLAY WAYLAND_DISPLAY QT_QPA_PLATFORM 2>/dev/null || true
unset DISPLAY WAYLAND_DISPLAY QT_QPA_PLATFORM
assets="$("$prefix/bin/kvcache-lab" --version | sed -n 's/^assets: //p')"
if [[ "$assets" != "$prefix/share/kvcache-lab" ]]; then
    echo "the installed binary looks for its assets in '$assets', not in $prefix/share/kvcache-lab"
    status=1
fi
last="$("$prefix/bin/kvcache-lab" --text | grep '^generated: ')"
if [[ "$last" != "generated: I saw a beautiful car [EOS]" ]]; then
    echo "the installed binary's walk-through ended with: $last"
    status=1
fi
[[ $status -eq 0 ]] && echo "installed into $prefix: every file in place, models found from the prefix"
exit $status
