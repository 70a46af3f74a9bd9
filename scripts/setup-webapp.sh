#!/usr/bin/env bash
# Installs what the web app's browser tests need: headless Chromium with its matching
# chromedriver (Debian packages), and Selenium in the project's Python venv (.venv).
# Idempotent and non-interactive; run as root from anywhere. scripts/setup.sh calls it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# CJK glyphs in screenshots; the reports setup installs the same font.
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
python=${PYTHON:-python3}
[ -x "$venv/bin/python3" ] || "$python" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup-webapp: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x "$venv/bin/python3" ]; then
    echo "setup-webapp: creating $venv"
    "$python" -m venv "$venv"
fi
if ! "$venv/bin/python3" -c 'import selenium' >/dev/null 2>&1; then
    echo "setup-webapp: installing selenium into $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "selenium>=4.15,<5"
fi

echo "setup-webapp: ok ($(chromium --version 2>/dev/null | head -1), $(chromedriver --version 2>/dev/null | head -1 | cut -d' ' -f1-2), selenium $("$venv/bin/python3" -c 'import selenium; print(selenium.__version__)'))"
