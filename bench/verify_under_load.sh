#!/usr/bin/env bash
# The part of run.sh that answers "do the pages keep their figures while the whole record is verified?", on its
# own: builds (or, with BENCH_REUSE=1, keeps) the dataset without the million-row council, runs the people-paced
# load, then the same load while a full verification runs in the background, and writes bench/out/results.md with
# the two side by side. A tenth of national scale on its own database and Redis:
#
#   BENCH_COUNCILS=35 BENCH_DB=bench19 BENCH_PORT=8119 CACHE_URL=redis://127.0.0.1:6379/7 bash bench/verify_under_load.sh
export BENCH_HEAVY=${BENCH_HEAVY:-0}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build
prepare
people
verifying
$PY bench/summarise.py "$OUT" | tee "$OUT/results.md"
