#!/usr/bin/env bash
# The one command behind the README's "Performance" figures:   bash bench/run.sh
#
# Builds the national dataset on PostgreSQL (database prevent_bench, dropped and made again; BENCH_REUSE=1 keeps
# it) and seals its past meetings, serves the app with gunicorn in production settings on 127.0.0.1:8100, drives it
# from loopback, measures the same data fetched with psql, and writes bench/out/results.md. Takes about 55 minutes
# on 2 cores (15 with BENCH_REUSE=1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DB=${BENCH_DB:-prevent_bench}
PG=postgres://postgres@127.0.0.1:5432
OUT=bench/out
PORT=8100
UNTIL=${BENCH_UNTIL:-2026-11-22}   # fixed, so the same data comes out every time
CLIENTS=${BENCH_CLIENTS:-20}
SECONDS_EACH=${BENCH_SECONDS:-20}
THINK=${BENCH_THINK:-2}            # mean pause between a person's requests, seconds
WORKERS=${BENCH_WORKERS:-4}

make setup >/dev/null
mkdir -p "$OUT"
export DATABASE_URL="$PG/$DB" DJANGO_DEBUG=0 ALLOWED_HOSTS=127.0.0.1,testserver STATIC_ROOT="$OUT/static"
# The workers share rendered dashboards through Redis, as several app servers would in production.
export CACHE_URL=${CACHE_URL:-redis://127.0.0.1:6379/1}
export SECRET_KEY=${SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')}
# The audit checkpoints of the dataset, and the key that signs them, live and die with it (kept with BENCH_REUSE=1).
export AUDIT_CHECKPOINT_PATH="$PWD/$OUT/audit-checkpoints.log"
[ "${BENCH_REUSE:-0}" = 1 ] && [ -s "$OUT/audit-signing-key" ] || {
  rm -f "$AUDIT_CHECKPOINT_PATH"; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > "$OUT/audit-signing-key"; }
export AUDIT_SIGNING_KEY=$(cat "$OUT/audit-signing-key")
export SCALE_PASSWORD=${SCALE_PASSWORD:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(16))')}
# The generated coordinators have no authenticator app to give a second factor with. A verified session costs one
# indexed query a request more (its device), which tests/mfa/test_enforcement.py counts.
export REQUIRE_MFA=0
# Generating and verifying a national dataset runs statements longer than a web request's limit.
export DATABASE_STATEMENT_TIMEOUT=${DATABASE_STATEMENT_TIMEOUT:-0}
PY=.venv/bin/python

if [ "${BENCH_REUSE:-0}" != 1 ]; then
  psql -X -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  $PY manage.py migrate --no-input -v0
  $PY -m bench.generate --councils 350 --years 8 --seed 1 --until "$UNTIL" | tee "$OUT/generate.txt"
  # One council with a million-row history, for the export's memory at that size.
  $PY -m bench.generate --councils 1 --years 8 --actions 6000 --projects 20 --seed 2 --until "$UNTIL" \
    | tee "$OUT/generate-heavy.txt"
  # What the nightly job does in production: seal the dashboard of every meeting that is past.
  $PY manage.py seal_meetings | tee "$OUT/seal.txt"
else
  $PY manage.py migrate --no-input -v0
  $PY manage.py seal_meetings   # catches up with anything a newer version of the code has to seal
  # Reused data: the accounts get the password of this run.
  $PY manage.py shell -c "
from django.contrib.auth import get_user_model; from django.contrib.auth.hashers import make_password
get_user_model().objects.filter(email__endswith='.invalid').update(password=make_password('$SCALE_PASSWORD'))"
fi
HEAVY=$(psql -X -A -t "$PG/$DB" -c "SELECT c.slug FROM plans_council c JOIN plans_deliveryplan p ON p.council_id = c.id
  JOIN actions_action a ON a.plan_id = p.id GROUP BY c.slug ORDER BY count(*) DESC LIMIT 1")
$PY manage.py collectstatic --no-input --ignore build -v0
$PY -c "import redis; redis.Redis.from_url('$CACHE_URL').flushdb()"   # no dashboards from an earlier run
$PY bench/prepare.py --out "$OUT" --heavy "$HEAVY" > /dev/null

serve() {  # optional argument: where gunicorn logs each request with its own duration (microseconds)
  .venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --access-logfile "${1:-/dev/null}" --access-logformat '%(m)s %(U)s %(q)s %(s)s %(D)s %({x-bench-id}i)s' \
    --error-logfile "$OUT/gunicorn.log" --pid "$OUT/gunicorn.pid" --daemon
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && return; sleep 0.2; done
  echo "gunicorn did not start" >&2; exit 1
}
stop() { [ -f "$OUT/gunicorn.pid" ] && kill "$(cat "$OUT/gunicorn.pid")" 2>/dev/null; sleep 1; rm -f "$OUT/gunicorn.pid"; }
trap 'stop; [ -n "${WORKER:-}" ] && kill "$WORKER" 2>/dev/null' EXIT

rm -f "$OUT/access-people.log" "$OUT/trace-people.jsonl"
serve "$OUT/access-people.log"
load() { $PY bench/load.py --base "http://127.0.0.1:$PORT" --targets "$OUT/targets.json" --password "$SCALE_PASSWORD" \
  --clients "$CLIENTS" --seconds "$SECONDS_EACH" "$@"; }
load --think "$THINK" --warmup 15 --out "$OUT/load-people.json" --trace "$OUT/trace-people.jsonl"
stop; serve
load --think 0 --out "$OUT/load-saturated.json"
stop

$PY bench/floor.py --database "$PG/$DB" --targets "$OUT/targets.json" --heavy "$HEAVY" --out "$OUT/floor.json" > /dev/null

TYPICAL=$($PY -c "import json; print(json.load(open('$OUT/targets.json'))['councils'][0]['slug'])")
for slug in "$TYPICAL" "$HEAVY"; do
  stop; serve   # fresh workers, so their peak memory is the export's own
  # A fresh background worker too: it writes the export, so its peak memory is the export's.
  $PY manage.py run_worker >> "$OUT/worker.log" 2>&1 & WORKER=$!
  (cd bench && ../$PY export.py --base "http://127.0.0.1:$PORT" --slug "$slug" --username "$slug-coordinator" \
    --password "$SCALE_PASSWORD" --master "$(cat "../$OUT/gunicorn.pid")" --worker "$WORKER" \
    --out "../$OUT/export-$slug.json")
  kill "$WORKER"; wait "$WORKER" 2>/dev/null
done
stop
$PY bench/summarise.py "$OUT" | tee "$OUT/results.md"
