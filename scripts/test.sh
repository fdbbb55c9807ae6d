#!/usr/bin/env bash
# The whole test suite (CI runs this through .ci/run).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec .venv/bin/python -m pytest "$@"
