"""The background work of the audit record: a full verification, started by an auditor or by the nightly run."""

from django.conf import settings
from django.tasks import task

from core.audit import chain_length, chained, verify
from core.jobs import Progress, run_job
from core.models import AuditEvent, Job
from core.verification import ENTRIES

WHAT_TO_DO = (
    "Nothing was found wrong with the record by this attempt: start the verification again from the audit page. "
    "If it stops again, tell your system administrator."
)


def verify_for(job: Job) -> None:
    """Verify the record for the job's councils (the whole record when it names none), then record the outcome
    told to each council in its audit events, as the page did when it verified while you waited."""
    councils = list(job.councils.order_by("name"))
    progress = Progress(job, unit=ENTRIES, share=settings.VERIFICATION_WORK_SHARE)
    result = verify(councils=frozenset(c.pk for c in councils) if councils else None, progress=progress)
    # What the finished page says: how much of the chain was checked (the later stages count other things), of the
    # whole chain: a verification that stopped at a problem has not checked what follows it.
    whole = result.entries if result.ok else max(result.entries, chain_length())
    progress(result.entries, whole, ENTRIES)
    progress.finish()
    job.intact = result.ok if not councils else all(result.problem_for(c.pk) is None for c in councils)
    if councils:
        job.outcomes = {str(council.pk): result.outcome_for(council.pk) for council in councils}
    else:
        job.outcomes = {"": ("Intact: " if result.ok else "FAILED: ") + (result.problems or [""])[0]}
    started = f" (started {job.created_at:%Y-%m-%d %H:%M} UTC)"
    # One event per council, each with that council's outcome, linked into the chain together.
    with chained():
        for council in councils:
            AuditEvent.objects.create(
                kind=AuditEvent.Kind.VERIFICATION,
                user=job.started_by,
                council=council,
                description=f"Verification of the audit record for {council.name}{started}",
                outcome=job.outcomes[str(council.pk)],
            )
        if not councils:
            AuditEvent.objects.create(
                kind=AuditEvent.Kind.VERIFICATION, description=f"{job.description}{started}", outcome=job.outcomes[""]
            )


@task()
def verify_audit_record(job_id: str) -> None:
    run_job(job_id, verify_for, what_to_do=WHAT_TO_DO)
