#!/usr/bin/env bash
# Run the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL) plus the
# formatting, lint and migration checks. Extra arguments go to pytest.
# The browser tests run afterwards on their own: they are timing-sensitive, and sharing the two
# cores with the parallel workers made them flaky.
set -euo pipefail
KEFU_EXTRAS=test
source "$(dirname "$0")/bootstrap.sh"
ruff format --check --quiet .
ruff check --quiet .
KEFU_TESTING=1 kefu makemigrations --check --dry-run -v 0
# Exit 5 is "no tests collected": arguments that select none of one kind are not a failure.
run() {
  local status=0
  pytest "$@" || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then
    exit "$status"
  fi
}
run -q -n "${KEFU_TEST_PROCESSES:-2}" -m "not browser" "$@"
run -q -p no:xdist -m browser "$@"
