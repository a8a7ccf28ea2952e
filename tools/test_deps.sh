#!/usr/bin/env bash
# What the test suite needs besides Deno, installed from Debian's packages when missing (as root,
# or through sudo): python3 with numpy and dill (PyFuncApp tests), openssl (the TLS test makes a
# private CA), chromium (the web UI test). Quiet when everything is there. `deno task test` runs
# it first, so the README's test command works on a fresh machine; `deno task bench` does too.
set -uo pipefail

sudo=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
updated=""
install() {
  echo "installing $* with apt-get (for the tests)" >&2
  if [ -z "$updated" ]; then $sudo apt-get update -qq >&2 && updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2 ||
    echo "could not install $*: the tests that need it will fail, saying so" >&2
}

/usr/bin/python3 -c "import numpy, dill" >/dev/null 2>&1 || install python3 python3-numpy python3-dill
command -v openssl >/dev/null 2>&1 || install openssl
command -v chromium >/dev/null 2>&1 || install chromium
exit 0
