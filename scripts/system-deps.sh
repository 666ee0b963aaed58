#!/usr/bin/env bash
# Installs the system packages the test suite runs for real, when they are missing:
# PostgreSQL (server binaries: initdb, pg_ctl), Chromium (browser tests), and a C compiler with
# Python's headers (the native nonce search, src/pocketchain/mining/_kernel.c, which the tests use).
set -euo pipefail

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v chromium >/dev/null || missing+=(chromium)
command -v cc >/dev/null || missing+=(gcc)
python3 -c 'import os, sysconfig
raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    || missing+=(python3-dev)
((${#missing[@]})) || exit 0

echo "installing system packages: ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "error: ${missing[*]} missing and neither root nor sudo is available to install them" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
