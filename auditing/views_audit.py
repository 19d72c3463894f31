"""The auditor's page: verify the tamper-evident record, and see who exported or verified what.

Only people holding the auditor role in some council see it; to anyone else it does not exist (404).
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.jobs import job_start, lost_jobs_marked
from core.models import AuditEvent, Job
from plans.access import auditor_councils
from plans.models import Council

from .tasks import verify_audit_record

LATEST = 50
# A verification waiting or running for longer than this is taken to be lost (its worker killed): pressing the
# button starts another. The national-scale record verifies in well under an hour.
STALE_AFTER_HOURS = 6


def verifications_for(councils: list[Council]) -> QuerySet[Job]:
    """Verifications made for any of these councils, newest first."""
    made_for = Job.councils.through.objects.filter(council__in=councils).values("job")
    return Job.objects.filter(pk__in=made_for, kind=Job.Kind.VERIFICATION)


def verification_start(*, user: AbstractBaseUser, councils: list[Council]) -> Job:
    """Queue a full verification for the user's councils, or give back theirs that is waiting or running: pressing
    the button again, or in another tab, never queues a second."""
    lost_jobs_marked()  # one whose worker was killed under it shows as failed, and is not waited on
    with transaction.atomic():
        # Nor, whatever its heartbeat, one waiting or running for longer than any verification takes.
        since = timezone.now() - datetime.timedelta(hours=STALE_AFTER_HOURS)
        waiting = Job.objects.filter(
            kind=Job.Kind.VERIFICATION,
            started_by=user,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            created_at__gte=since,
        ).first()
        if waiting is not None:
            return waiting
        description = "Verification of the audit record for " + ", ".join(council.name for council in councils)
        if len(description) > Job._meta.get_field("description").max_length:
            # An auditor of many councils (or the whole record's): the page lists them with the outcome of each.
            description = f"Verification of the audit record for {len(councils)} councils"
        job = Job(
            kind=Job.Kind.VERIFICATION,
            description=description,
            started_by=user,
            unit="entries of the chain checked",
        )
        return job_start(task=verify_audit_record, job=job, councils=councils)


@require_http_methods(["GET", "POST"])
def audit(request: HttpRequest) -> HttpResponse:
    councils = list(auditor_councils(request.user))
    if not councils:
        raise Http404("No such page")
    if request.method == "POST":
        return redirect("jobs:job", verification_start(user=request.user, councils=councils).pk)
    # The latest verification made for any of these councils, whoever started it, with its outcome for each.
    latest = verifications_for(councils).select_related("started_by").first()
    shown = []
    if latest is not None and latest.status == Job.Status.DONE:
        shown = [(c, latest.outcomes[str(c.pk)]) for c in councils if str(c.pk) in latest.outcomes]
    events = AuditEvent.objects.filter(council__in=councils).select_related("user", "council")[:LATEST]
    context = {
        "councils": councils,
        "latest": latest,
        "shown": shown,
        "intact": all(outcome.startswith("Intact") for _, outcome in shown),
        "events": events,
        "job_file_hours": settings.JOB_FILE_HOURS,
    }
    return render(request, "core/audit.html", context)
