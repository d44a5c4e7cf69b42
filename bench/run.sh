#!/bin/sh
# make bench: times `wenshu build` against the floor program; writes bench/RESULTS.md.
# RUNS=N sets the runs per case (default 5); --quick uses small sets; see bench/bench.py.
set -e
cd "$(dirname "$0")/.."
exec python3 bench/bench.py "$@"
