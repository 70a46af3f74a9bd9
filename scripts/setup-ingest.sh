#!/usr/bin/env bash
# Installs the Debian packages the Ingest module runs (called from scripts/setup.sh; root, non-interactive).
#   poppler-utils          pdfinfo, pdftotext, pdftoppm (PDF text layer and page rendering)
#   poppler-data           CJK CMaps, for PDFs whose Chinese fonts are not embedded
#   tesseract-ocr          OCR of scans and images
#   tesseract-ocr-chi-sim  the simplified-Chinese model (chi_sim; eng ships with tesseract-ocr)
#   antiword               legacy Word 97-2003 .doc files
# Idempotent: installs only what is missing, and runs apt-get update only when it installs.
set -euo pipefail

packages=(poppler-utils poppler-data tesseract-ocr tesseract-ocr-chi-sim antiword)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "setup-ingest: all present (${packages[*]})"
    exit 0
fi

echo "setup-ingest: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

for program in pdfinfo pdftotext pdftoppm tesseract antiword; do
    command -v "$program" >/dev/null || { echo "setup-ingest: $program still missing" >&2; exit 1; }
done
tesseract --list-langs 2>/dev/null | grep -qx chi_sim || { echo "setup-ingest: tesseract chi_sim model missing" >&2; exit 1; }
echo "setup-ingest: done"
