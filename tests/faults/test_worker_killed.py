"""A worker (`manage.py run_worker`) killed with SIGKILL inside its task's transaction: what the task had written is
not there, the audit record still verifies, and the job does not stay "in progress": once its heartbeat is older
than JOB_LOST_AFTER_SECONDS its page says it could not finish and to start it again."""

import os
import re
import signal
import subprocess
import time

import pytest

from .conftest import JOB_LOST_AFTER, world_call
from .servers import PYTHON, ROOT, app_env

pytestmark = pytest.mark.faults


def wait_until(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = condition()
        if answer:
            return answer
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {seconds} s")


def test_a_worker_killed_inside_its_transaction_leaves_nothing_half_there(postgres, fault_world, app, record_property):
    env = app_env(postgres.url, postgres.files, JOB_LOST_AFTER_SECONDS=str(JOB_LOST_AFTER))
    auditor = {"sessionid": fault_world["auditor"]}
    status, headers, _, _ = app.request("GET", "/audit/", cookies=auditor)
    assert status == 200
    auditor["csrftoken"] = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    status, headers, _, _ = app.request("POST", "/audit/", cookies=auditor)  # "Verify the record"
    assert status == 302, status
    url = headers["Location"]
    job = url.rstrip("/").rsplit("/", 1)[1]

    def job_row() -> tuple[str, int, str]:
        """The job's status, the verification events of the council, and the job's error."""
        status, events, error = postgres.psql(
            f"SELECT status, (SELECT count(*) FROM core_auditevent WHERE kind = 'verification' "
            f"AND council_id = {int(fault_world['council'])}), error FROM core_job WHERE id = '{job}'"
        ).split("|", 2)
        return status, int(events), error

    # Hold the audit chain's head, as a busy writer would: the verification checks the record, writes its audit
    # event, then waits for the head to link it, inside its transaction. Killed there, it has written half.
    holder = subprocess.Popen(  # noqa: S603
        [*postgres.psql_command(), "-q"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert holder.stdin is not None
    holder.stdin.write("BEGIN; SELECT 1 FROM core_auditchainhead FOR UPDATE;\n")
    holder.stdin.flush()
    worker = subprocess.Popen(  # noqa: S603
        [PYTHON, "manage.py", "run_worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        # The worker's transaction has inserted its audit event and waits for the chain head.
        waiting = wait_until(
            lambda: postgres.psql(
                "SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_stat_activity a "
                "ON a.pid = l.pid WHERE c.relname = 'core_auditevent' AND l.mode = 'RowExclusiveLock' "
                "AND a.wait_event_type = 'Lock'"
            ),
            seconds=30,
            what="the worker waiting inside its transaction",
        )
        assert job_row()[:2] == ("running", 0)  # its event not committed: not seen
        os.kill(worker.pid, signal.SIGKILL)
        killed = time.monotonic()
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        holder.stdin.write("ROLLBACK;\n")
        holder.stdin.close()
        holder.wait(timeout=10)
    # The server notices the client gone and rolls the transaction back.
    wait_until(
        lambda: postgres.psql(f"SELECT count(*) FROM pg_stat_activity WHERE pid = {int(waiting)}") == "0",
        seconds=10,
        what="the killed worker's transaction ended",
    )

    def shown_failed() -> bool:
        status, _, page, _ = app.request("GET", url, cookies=auditor)
        return status == 200 and "This could not finish" in page

    wait_until(shown_failed, seconds=JOB_LOST_AFTER + 10, what="the job shown as failed")
    recovered = time.monotonic() - killed
    status, events, error = job_row()
    kept = world_call(postgres, "check")
    record_property("worker_killed", f"job shown failed {recovered:.2f} s after the kill")
    print(f"\nWorker killed: 0 of its writes kept; job shown failed {recovered:.2f} s after the kill")
    assert status == "failed" and events == 0  # nothing it wrote is there
    assert "stopped without finishing" in error and "Start the verification again" in error
    assert kept["verified"], kept["verification"]  # the chain and every row whole
