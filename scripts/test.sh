#!/usr/bin/env bash
# Run the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL) plus the
# formatting, lint and migration checks. Extra arguments go to pytest.
set -euo pipefail
KEFU_EXTRAS=test
source "$(dirname "$0")/bootstrap.sh"
ruff format --check --quiet .
ruff check --quiet .
KEFU_TESTING=1 kefu makemigrations --check --dry-run -v 0
exec pytest -q -n "${KEFU_TEST_PROCESSES:-2}" "$@"
