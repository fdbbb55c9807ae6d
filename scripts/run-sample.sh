#!/usr/bin/env bash
# The main job, offline: the nightly flow on the bundled sample into ./data/labour_monitor.duckdb.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec .venv/bin/labour-monitor run "$@"
