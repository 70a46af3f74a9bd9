#!/usr/bin/env bash
# Installs what ContractShield needs beyond the Swift toolchain: Debian programs for reading PDFs,
# scans and old Word files, fonts for PDF reports, and a Python venv (.venv) with the real
# third-party clients the tests drive. Idempotent; run as root on Debian. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    poppler-utils poppler-data          # pdftotext, pdftoppm, pdfinfo, pdffonts: PDF text and rendering
    tesseract-ocr tesseract-ocr-chi-sim # OCR of scans and photos (chi_sim+eng)
    antiword                            # legacy .doc
    fonts-wqy-microhei fontconfig       # the CJK font embedded in PDF reports
    python3-venv                        # the test venv
)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for extra in scripts/setup-*.sh; do
    [ -f "$extra" ] && bash "$extra"
done

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python3 ]; then
    "$python" -m venv .venv
fi
# websockets < 14: the guide's client reads `websocket.closed`, which the newer client API removed.
.venv/bin/pip install -q --disable-pip-version-check "websockets>=12,<14" python-docx
echo "setup: done"
