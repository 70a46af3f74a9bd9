#!/usr/bin/env bash
# Installs kosoku (PyPI, Python 3) into the project's venv (.venv): it drives the Autobahn TestSuite's
# fuzzingclient cases against `contractshield serve --conformance` (scripts/conformance.sh). PyPI's
# autobahntestsuite is Python 2 only. Idempotent; run from anywhere. scripts/setup.sh calls it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
python=${PYTHON:-python3}

if [ ! -x "$venv/bin/python3" ]; then
    echo "setup-conformance: creating $venv"
    "$python" -m venv "$venv"
fi
if ! "$venv/bin/python3" -c 'import kosoku' >/dev/null 2>&1; then
    echo "setup-conformance: installing kosoku into $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "kosoku>=0.1,<0.2"
fi
echo "setup-conformance: ok (kosoku $("$venv/bin/python3" -c 'import importlib.metadata as m; print(m.version("kosoku"))'))"
