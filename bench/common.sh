# The pieces of the benchmark that run.sh and verify_under_load.sh share: sourced, not run.
#
# Settings from the environment: BENCH_DB (database), BENCH_PORT (gunicorn), BENCH_COUNCILS (the generated size,
# 350 for national), BENCH_HEAVY=0 (no million-row council), BENCH_REUSE=1 (keep the data of an earlier run),
# CACHE_URL (a Redis database of the run's own), BENCH_CLIENTS, BENCH_SECONDS, BENCH_THINK, BENCH_WORKERS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DB=${BENCH_DB:-prevent_bench}
PG=postgres://postgres@127.0.0.1:5432
OUT=bench/out
PORT=${BENCH_PORT:-8100}
COUNCILS=${BENCH_COUNCILS:-350}
UNTIL=${BENCH_UNTIL:-2026-11-22}   # fixed, so the same data comes out every time
CLIENTS=${BENCH_CLIENTS:-20}
SECONDS_EACH=${BENCH_SECONDS:-20}
THINK=${BENCH_THINK:-2}            # mean pause between a person's requests, seconds
WORKERS=${BENCH_WORKERS:-4}
export BENCH_COUNCILS=$COUNCILS    # summarise.py names the size

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

build() {  # the dataset, its meetings sealed; or, with BENCH_REUSE=1, the one already there brought up to date
  if [ "${BENCH_REUSE:-0}" != 1 ]; then
    psql -X -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
    $PY manage.py migrate --no-input -v0
    # A council's transaction waits while its change record is merged: not the web's 60 s idle limit, then.
    export DATABASE_IDLE_IN_TRANSACTION_TIMEOUT=0
    $PY -m bench.generate --councils "$COUNCILS" --years 8 --seed 1 --until "$UNTIL" | tee "$OUT/generate.txt"
    if [ "${BENCH_HEAVY:-1}" != 0 ]; then
      # One council with a million-row history, for the export's memory at that size.
      $PY -m bench.generate --councils 1 --years 8 --actions 6000 --projects 20 --seed 2 --until "$UNTIL" \
        | tee "$OUT/generate-heavy.txt"
    fi
    unset DATABASE_IDLE_IN_TRANSACTION_TIMEOUT   # the app served below keeps its production limit
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
  # A deployment's autovacuum would have been through the new tables by now; some machines run PostgreSQL without it.
  # Unvacuumed, the first read of a row (a full verification reads them all) sets its hint bits and so rewrites
  # every page of the dataset beside the measured requests (README, Performance).
  psql -X -q "$PG/$DB" -c "VACUUM (ANALYZE)"
}

prepare() {  # what the load asks for, and the queries of each request; sets HEAVY (the council with the most actions)
  HEAVY=$(psql -X -A -t "$PG/$DB" -c "SELECT c.slug FROM plans_council c JOIN plans_deliveryplan p ON p.council_id = c.id
    JOIN actions_action a ON a.plan_id = p.id GROUP BY c.slug ORDER BY count(*) DESC LIMIT 1")
  $PY manage.py collectstatic --no-input --ignore build -v0
  $PY -c "import redis; redis.Redis.from_url('$CACHE_URL').flushdb()"   # no dashboards from an earlier run
  # Without the million-row council, the largest generated one is an ordinary target like the others.
  [ "${BENCH_HEAVY:-1}" != 0 ] || HEAVY=
  $PY bench/prepare.py --out "$OUT" --heavy "$HEAVY" > /dev/null
}

serve() {  # optional argument: where gunicorn logs each request with its own duration (microseconds)
  .venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --access-logfile "${1:-/dev/null}" --access-logformat '%(m)s %(U)s %(q)s %(s)s %(D)s %({x-bench-id}i)s' \
    --error-logfile "$OUT/gunicorn.log" --pid "$OUT/gunicorn.pid" --daemon
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && return; sleep 0.2; done
  echo "gunicorn did not start" >&2; exit 1
}
stop() { [ -f "$OUT/gunicorn.pid" ] && kill "$(cat "$OUT/gunicorn.pid")" 2>/dev/null; sleep 1; rm -f "$OUT/gunicorn.pid"; }
WORKER=
trap 'stop; [ -n "$WORKER" ] && kill "$WORKER" 2>/dev/null' EXIT

load() { $PY bench/load.py --base "http://127.0.0.1:$PORT" --targets "$OUT/targets.json" --password "$SCALE_PASSWORD" \
  --clients "$CLIENTS" --seconds "$SECONDS_EACH" "$@"; }

people() {  # the people-paced load, each request's own duration logged by the server
  rm -f "$OUT/access-people.log" "$OUT/trace-people.jsonl"
  stop; serve "$OUT/access-people.log"
  load --think "$THINK" --warmup 15 --out "$OUT/load-people.json" --trace "$OUT/trace-people.jsonl"
  stop
}

verifying() {  # the same people-paced load while a full verification of the audit record runs in the background
  rm -f "$OUT/access-verifying.log" "$OUT/trace-verifying.jsonl"
  # The dashboards the first load cached would make this one look faster: both begin with the cache empty.
  $PY -c "import redis; redis.Redis.from_url('$CACHE_URL').flushdb()"
  stop; serve "$OUT/access-verifying.log"
  $PY manage.py run_worker >> "$OUT/worker.log" 2>&1 & WORKER=$!
  # Started as the auditors' page starts it: a Job for every council, queued to the worker.
  $PY bench/verify.py start --fresh --jobs "$OUT/verify-jobs.txt" > /dev/null
  # Should it finish before the pages do, another is started before the next page's measured run (the page gives
  # back the running one otherwise), so every page is measured with one running; summarise.py says how much of
  # each measured run overlapped one.
  load --think "$THINK" --warmup 15 --out "$OUT/load-verifying.json" --trace "$OUT/trace-verifying.jsonl" \
    --before-each "$PY bench/verify.py start --jobs $OUT/verify-jobs.txt > /dev/null"
  $PY bench/verify.py wait --jobs "$OUT/verify-jobs.txt" --out "$OUT/verify.json" | tail -c 2000
  kill "$WORKER"; wait "$WORKER" 2>/dev/null || true; WORKER=
  stop
}
