#!/usr/bin/env bash
# The one command behind the README's "Performance" figures:   bash bench/run.sh
#
# Builds the national dataset on PostgreSQL (database prevent_bench, dropped and made again; BENCH_REUSE=1 keeps
# it) and seals its past meetings, serves the app with gunicorn in production settings on 127.0.0.1:8100, drives it
# from loopback (as people, then while a full verification of the audit record runs in the background, then
# saturated), measures the same data fetched with psql, and writes bench/out/results.md. Takes about 55 minutes
# on 2 cores (15 with BENCH_REUSE=1), plus the verification's own time. BENCH_COUNCILS=35 makes a tenth of it;
# bench/common.sh lists the other settings.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build
prepare
people
verifying
serve
load --think 0 --out "$OUT/load-saturated.json"
stop

$PY bench/floor.py --database "$PG/$DB" --targets "$OUT/targets.json" --heavy "$HEAVY" --out "$OUT/floor.json" > /dev/null

TYPICAL=$($PY -c "import json; print(json.load(open('$OUT/targets.json'))['councils'][0]['slug'])")
for slug in "$TYPICAL" ${HEAVY:+"$HEAVY"}; do
  stop; serve   # fresh workers, so their peak memory is the export's own
  # A fresh background worker too: it writes the export, so its peak memory is the export's.
  $PY manage.py run_worker >> "$OUT/worker.log" 2>&1 & WORKER=$!
  (cd bench && ../$PY export.py --base "http://127.0.0.1:$PORT" --slug "$slug" --username "$slug-coordinator" \
    --password "$SCALE_PASSWORD" --master "$(cat "../$OUT/gunicorn.pid")" --worker "$WORKER" \
    --out "../$OUT/export-$slug.json")
  kill "$WORKER"; wait "$WORKER" 2>/dev/null
done
WORKER=
stop
$PY bench/summarise.py "$OUT" | tee "$OUT/results.md"
