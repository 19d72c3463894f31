"""The database stopped and restarted, then hung, while people post status updates through the app (gunicorn):
every update they were told was saved is there afterwards, what failed left nothing half-written (the audit record
verifies), a hung database fails requests within a bound rather than holding them, and the app recovers by itself.
"""

import time

import pytest

from .conftest import WORKER_TIMEOUT, world_call
from .updates import Crowd, tally

pytestmark = pytest.mark.faults
HUNG = 3 * WORKER_TIMEOUT  # seconds: longer than any request may take, so none is answered by waiting it out


def test_a_database_stopped_and_restarted_loses_no_acknowledged_update(postgres, fault_world, app, record_property):
    master = app.process.pid
    with Crowd(app, fault_world, label="restart", first_action=0) as crowd:
        crowd.wait_for(5, since=0, seconds=20)
        postgres.crash()  # immediate shutdown, as a power cut: what was committed must survive it
        stopped = time.monotonic()
        time.sleep(1.5)
        postgres.start()
        restarted = time.monotonic()
        crowd.wait_for(5, since=restarted, seconds=20)
    attempts = crowd.attempts
    first_after = min(a.at for a in attempts if a.status == 302 and a.at > restarted)
    kept = world_call(postgres, "check")
    result = tally(attempts, kept["updates"])
    down = [a for a in attempts if stopped < a.at - a.seconds and a.at < restarted]  # sent and answered while down
    record_property("restart", f"{result}; recovered {first_after - restarted:.2f} s after the restart")
    print(f"\nDatabase restarted: {result}; first update saved {first_after - restarted:.2f} s after the restart")
    assert result.lost == 0 and result.duplicated == 0
    assert down and all(a.status != 302 for a in down)  # refused while it was down, each with an answer
    # Saved, or an error page: the server's (500), or a conflict for a form submitted as last seen (409).
    assert {a.status for a in attempts} <= {302, 409, 500}, {a.status for a in attempts}
    assert app.process.poll() is None and app.process.pid == master  # the app was not restarted: it reconnected
    assert kept["verified"], kept["verification"]  # nothing half-written: every row equals its history


def test_a_hung_database_fails_requests_within_the_timeouts_then_recovers(postgres, fault_world, app, record_property):
    with Crowd(app, fault_world, label="hang", first_action=2) as crowd:
        crowd.wait_for(5, since=0, seconds=20)
        postgres.hang()  # SIGSTOP: connections stay open, nothing answers
        hung = time.monotonic()
        time.sleep(HUNG)
        postgres.resume()
        resumed = time.monotonic()
        crowd.wait_for(5, since=resumed, seconds=30)
    attempts = crowd.attempts
    first_after = min(a.at for a in attempts if a.status == 302 and a.at > resumed)
    kept = world_call(postgres, "check")
    result = tally(attempts, kept["updates"])
    during = [s for p in crowd.people for (s, seconds, at) in p.opened if hung < at - seconds < resumed]
    slowest = max(
        [seconds for p in crowd.people for (_, seconds, at) in p.opened if hung < at < resumed + 10]
        + [a.seconds for a in attempts if hung < a.at < resumed + 10]
    )
    record_property("hang", f"{result}; slowest request {slowest:.2f} s; recovered {first_after - resumed:.2f} s")
    print(
        f"\nDatabase hung {HUNG} s: {result}; slowest request {slowest:.2f} s; "
        f"{len(during)} requests started while hung; first update saved {first_after - resumed:.2f} s after SIGCONT"
    )
    assert result.lost == 0 and result.duplicated == 0
    # Every request sent before or early in the hang ended, refused, before the database came back: within
    # gunicorn's timeout (a worker waiting on an open connection) or the connect timeout (a new one).
    # (One answered in the first moments had its answer on its way when the database stopped.)
    early = [(s, at) for p in crowd.people for (s, seconds, at) in p.opened if at > hung + 0.5 > at - seconds - 0.5]
    early += [(a.status, a.at) for a in attempts if a.at > hung + 0.5 > a.at - a.seconds - 0.5]
    assert early and all(s not in {200, 302} and at < resumed for s, at in early), (early, hung, resumed)
    assert slowest < HUNG
    assert kept["verified"], kept["verification"]
