#!/usr/bin/env bash
# The whole test suite (CI runs this through .ci/run).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# The UI screenshot test (tests/pipelines/test_prefect_server.py) needs Debian's chromium. Install it where
# apt-get can (root, as in CI); elsewhere that one test is skipped and says why.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >/dev/null 2>&1 \
    || echo "scripts/test.sh: chromium could not be installed; the UI screenshot test will be skipped" >&2
fi
exec .venv/bin/python -m pytest "$@"
