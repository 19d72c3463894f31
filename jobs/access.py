"""Who may see a background job and its file: the person who started it, and for a verification the auditors of
the councils it was made for."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from core.jobs import lost_jobs_marked
from core.models import Job
from plans.models import Membership, Role

User = AbstractBaseUser | AnonymousUser


def get_job_for_user(user: User, pk: object) -> Job:
    """The job, if the user may see it: the person who started it, and for a verification the auditors of the
    councils it was made for. Anyone else: 404, as if it did not exist."""
    job = Job.objects.select_related("started_by", "council").filter(pk=pk).first() if user.is_authenticated else None
    if job is None:
        raise Http404("No such task")
    if job.status == Job.Status.RUNNING and lost_jobs_marked(pk=job.pk):
        job.refresh_from_db()  # its worker died: the page says so now, not at the next night's run
    if job.started_by_id == user.pk:
        return job
    if job.kind == Job.Kind.VERIFICATION and audited_by(user, job):
        return job
    raise Http404("No such task")


def audited_by(user: User, job: Job) -> set[int]:
    """Of the councils the job was made for, the ids of those in which the user is an auditor."""
    if not user.is_authenticated:
        return set()
    found = Membership.objects.filter(user=user, role=Role.AUDITOR, council__in=job.councils.all())
    return set(found.values_list("council_id", flat=True))
