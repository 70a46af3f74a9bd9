#!/usr/bin/env bash
# Installs what the Reports module's tests need: poppler (pdftotext, pdffonts,
# pdftoppm) to read the PDFs back, a CJK TrueType font to embed, fontconfig to
# find it, and a venv with python-docx to read the DOCX files back.
# Idempotent and non-interactive; run as root from anywhere.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"

missing=()
command -v pdftotext >/dev/null 2>&1 && command -v pdffonts >/dev/null 2>&1 \
    && command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v fc-match >/dev/null 2>&1 || missing+=(fontconfig)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
[ -x "$venv/bin/python3" ] || python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup-reports: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
fi

if ! "$venv/bin/python3" -c 'import docx' >/dev/null 2>&1; then
    echo "setup-reports: creating $venv with python-docx"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check python-docx
fi

echo "setup-reports: ok (poppler, fonts-wqy-microhei, fontconfig, $venv with python-docx)"
