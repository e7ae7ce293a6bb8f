#!/usr/bin/env bash
# Validates the .desktop file and the AppStream metainfo as a software centre
# would. Skips (exit 77) when Debian's desktop-file-utils or appstream are missing.
# Usage: check_desktop_files.sh DESKTOP_FILE METAINFO_FILE
set -uo pipefail
missing=()
command -v desktop-file-validate >/dev/null || missing+=(desktop-file-utils)
command -v appstreamcli >/dev/null || missing+=(appstream)
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "skipped: install ${missing[*]} (tools/install-deps.sh --test does) to validate the desktop files"
    exit 77
fi
status=0
desktop-file-validate "$1" || status=1
appstreamcli validate --no-net "$2" || status=1
exit $status
