#!/usr/bin/env sh
# Create the virtualenv and put uv (the pinned wheel from PyPI) in it, as fast as this machine
# allows: `venv --without-pip` takes a fifth of a second where a venv with pip takes several.
# The uv binary is kept in the user's cache (as uv keeps the packages it downloads), so a
# second clone copies it instead of fetching it again; the first fetch uses the system's pip
# when there is one, else a pip inside the venv (slower; Debian then needs python3-venv).
#   usage: bootstrap-uv.sh PYTHON VENV UV_VERSION
set -eu
python="$1"
venv="$2"
version="$3"
cached="${XDG_CACHE_HOME:-$HOME/.cache}/cohort/uv-$version"

works() { [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q " $version"; }

if works "$venv/bin/uv"; then
  exit 0
fi
"$python" -m venv --without-pip "$venv"
if ! works "$cached/bin/uv"; then
  rm -rf "$cached"
  if "$python" -m pip --version >/dev/null 2>&1; then
    fetch() {
      "$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        --no-deps --no-compile --target "$1" "uv==$version"
    }
    fetch "$cached" 2>/dev/null || { cached="$venv/uv-tool"; fetch "$cached"; }
  else
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$version"
    exit 0
  fi
fi
cp "$cached/bin/uv" "$venv/bin/uv"
