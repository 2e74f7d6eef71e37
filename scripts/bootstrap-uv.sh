#!/usr/bin/env sh
# Create the virtualenv and put uv (the pinned wheel from PyPI) in it, as fast as this machine
# allows: `venv --without-pip` takes a fifth of a second where a venv with pip takes several,
# and the system's pip (when there is one) installs the uv wheel beside it. Without a system
# pip, the venv gets its own pip (slower, and Debian then needs python3-venv).
#   usage: bootstrap-uv.sh PYTHON VENV UV_VERSION
set -eu
python="$1"
venv="$2"
version="$3"

if [ -x "$venv/bin/uv" ] && "$venv/bin/uv" --version 2>/dev/null | grep -q " $version"; then
  exit 0
fi
"$python" -m venv --without-pip "$venv"
if "$python" -m pip --version >/dev/null 2>&1; then
  "$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --upgrade \
    --target "$venv/uv-tool" "uv==$version"
  ln -sf ../uv-tool/bin/uv "$venv/bin/uv"
else
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$version"
fi
