"""Start the full verification of the audit record as an auditor does, and wait for it: for run.sh's phase that
loads the pages while the verification runs in the background.

`start` queues a verification Job for every council through the auditors' page's own service (a Job of kind
verification and its task, which the worker `manage.py run_worker` runs), or gives back the one still running, and
notes its id in the jobs file. `wait` waits until every noted job has finished and writes what its row says: the
wall time from asking to done, the outcome, how many entries of the chain were checked.

    DJANGO_SETTINGS_MODULE=config.settings python bench/verify.py start --jobs bench/out/verify-jobs.txt
    DJANGO_SETTINGS_MODULE=config.settings python bench/verify.py wait --jobs bench/out/verify-jobs.txt \
        --out bench/out/verify.json
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import AbstractBaseUser  # noqa: E402
from django.utils import timezone  # noqa: E402

from auditing.views_audit import verification_start  # noqa: E402
from core.models import AuditChainHead, Job  # noqa: E402
from plans.models import Council, Role  # noqa: E402

LEFT_BEHIND = "Left waiting or running by an earlier benchmark run whose worker was stopped."


def auditor() -> AbstractBaseUser:
    """Who asks: a generated auditor (the verification names every council, as one asked for each would)."""
    users = get_user_model().objects.filter(email__endswith=".invalid").order_by("username")
    return users.filter(username__endswith=f"-{Role.AUDITOR}").first() or users.first()


def noted(jobs: Path) -> list[str]:
    return jobs.read_text().split() if jobs.exists() else []


def start(jobs: Path, *, fresh: bool) -> None:
    user = auditor()
    if fresh:
        # The page gives back a verification still waiting or running; one whose worker an earlier run stopped
        # would never finish, so it is closed first, as the page itself does once it is hours old.
        Job.objects.filter(
            kind=Job.Kind.VERIFICATION, started_by=user, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
        ).update(status=Job.Status.FAILED, finished_at=timezone.now(), error=LEFT_BEHIND)
        jobs.unlink(missing_ok=True)
    job = verification_start(user=user, councils=list(Council.objects.order_by("name")))
    if str(job.pk) not in noted(jobs):
        with jobs.open("a") as handle:
            handle.write(f"{job.pk}\n")
    print(job.pk)


def seconds(later, earlier) -> float | None:
    return round((later - earlier).total_seconds(), 1) if later and earlier else None


def wait(jobs: Path, out: Path, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    rows = []
    for job_id in noted(jobs):
        job = Job.objects.get(pk=job_id)
        while not job.finished and time.monotonic() < deadline:
            time.sleep(1)
            job.refresh_from_db()
        outcomes = list(job.outcomes.values())
        rows.append(
            {
                "job": job_id,
                "councils": job.councils.count(),
                "status": job.status,
                "intact": job.intact,
                "created_at": job.created_at.timestamp(),
                "started_at": job.started_at.timestamp() if job.started_at else None,
                "finished_at": job.finished_at.timestamp() if job.finished_at else None,
                # From the auditor's asking to the result on the page, and of that the worker's own time.
                "wall_seconds": seconds(job.finished_at, job.created_at),
                "running_seconds": seconds(job.finished_at, job.started_at),
                "done": job.done,
                "unit": job.unit,
                "councils_intact": sum(outcome.startswith("Intact") for outcome in outcomes),
                "first_outcome": outcomes[0] if outcomes else "",
                "error": job.error,
            }
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    result = {"audit_entries": head.last_seq if head else 0, "jobs": rows}
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result))
    if any(row["status"] != Job.Status.DONE for row in rows):
        raise SystemExit("A verification did not finish: see the worker's log")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["start", "wait"])
    parser.add_argument("--jobs", type=Path, required=True, help="the ids of the verifications of this phase")
    parser.add_argument("--fresh", action="store_true", help="start: the first of the phase")
    parser.add_argument("--out", type=Path, help="wait: where the outcome is written (JSON)")
    parser.add_argument("--timeout", type=float, default=3 * 3600, help="wait: give up after this many seconds")
    arguments = parser.parse_args()
    if arguments.command == "start":
        start(arguments.jobs, fresh=arguments.fresh)
    else:
        wait(arguments.jobs, arguments.out, timeout=arguments.timeout)


if __name__ == "__main__":
    main()
