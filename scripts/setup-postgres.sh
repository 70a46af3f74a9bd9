#!/usr/bin/env bash
# Installs Debian's PostgreSQL server (for the PostgreSQL store tests and multi-node clusters) when it is missing.
# Run by scripts/setup.sh; idempotent; as root on Debian.
set -euo pipefail
if ! dpkg -s postgresql >/dev/null 2>&1; then
    echo "setup-postgres: installing postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
