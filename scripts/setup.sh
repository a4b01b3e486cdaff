#!/usr/bin/env bash
# Installs what Lyrebird needs on a fresh Debian machine with the Swift toolchain:
# system libraries (Lua 5.4, libffi, libyaml, SQLite, pkg-config), make and curl (the C starter kits
# build and test with them), PostgreSQL (the fleet tests start it), Chromium and its WebDriver (the
# dashboard's tests drive it) and the Python test clients.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
missing=()
for package in liblua5.4-dev libffi-dev libyaml-dev libsqlite3-dev pkg-config make curl postgresql chromium chromium-driver; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

python3 -m pip install -q -r Tests/conformance/requirements.txt
