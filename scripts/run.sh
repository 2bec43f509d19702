#!/usr/bin/env bash
# Start Kefu on the embedded default (SQLite in ./var), with the demo organisation on first start.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
kefu migrate --no-input -v 0
kefu demo --if-empty
exec kefu serve --host "${KEFU_HOST:-127.0.0.1}" --port "${KEFU_PORT:-8000}"
