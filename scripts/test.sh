#!/usr/bin/env bash
# The whole test suite (CI runs this through .ci/run). scripts/setup.sh installs Chromium and poppler-utils where
# apt-get can (root, as in CI); elsewhere the tests that need them are skipped and say why (with CI=true they fail).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec .venv/bin/python -m pytest "$@"
