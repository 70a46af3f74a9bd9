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
# kosoku 0.1.0's port of case12_x_x.py (cases 12.*/13.*) hashes the echo as it arrives, and an uncompressed text
# echo arrives as str: Python 3 refuses ("Strings must be encoded before hashing") and the driver crashes before it
# judges the case (the server compresses from 256 bytes, so the 16- and 64-byte cases echo uncompressed; RFC 7692
# lets a sender choose per message). kosoku hands an uncompressed message over as str, text decoded from UTF-8 and
# binary as latin-1 (its _report.py says so): turn it back into the bytes that were on the wire.
case12=$("$venv/bin/python3" -c 'import kosoku, os; print(os.path.join(os.path.dirname(kosoku.__file__), "cases", "case12_x_x.py"))')
if ! grep -q "msg.encode('latin-1' if binary else 'utf-8')" "$case12"; then
    echo "setup-conformance: patching $case12 (text echoes as str)"
    "$venv/bin/python3" - "$case12" <<'PY'
import sys
path = sys.argv[1]
source = open(path).read()
original = "def onMessage(self, msg, binary):\n   m = hashlib.sha1()\n"
assert original in source, "kosoku's case12_x_x.py changed; review the patch"
source = source.replace(original, "def onMessage(self, msg, binary):\n   if isinstance(msg, str):\n      msg = msg.encode('latin-1' if binary else 'utf-8')\n   m = hashlib.sha1()\n")
open(path, "w").write(source)
PY
fi
echo "setup-conformance: ok (kosoku $("$venv/bin/python3" -c 'import importlib.metadata as m; print(m.version("kosoku"))'))"
