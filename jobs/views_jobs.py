"""The page of a job running in the background, its progress as JSON for the page's script, and its file."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.models import AuditEvent, Job

from .access import audited_by, get_job_for_user

# A file's format as its link names it, by the extension of the name it is downloaded under.
FILE_FORMATS = {"csv": "CSV", "xlsx": "Excel spreadsheet, XLSX"}


def _file_size(job: Job) -> int | None:
    """The kept file's size in bytes, for its link; None when storage cannot say, and the link goes without."""
    try:
        return job.file.size
    except OSError:
        return None


def _summary(job: Job) -> str:
    """How far the job has got, in one sentence."""
    if job.status == Job.Status.QUEUED:
        return "Waiting for a worker to start it."
    of = f" of {job.total:,}" if job.total else ""
    percent = f" ({job.percent}%)" if job.percent is not None else ""
    return f"{job.done:,}{of} {job.unit}{percent}."


@require_GET
@never_cache
def job(request: HttpRequest, pk: str) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    outcomes = []
    if job.kind == Job.Kind.VERIFICATION and job.status == Job.Status.DONE:
        # Each auditor reads the outcome for their own councils only, whoever started the verification.
        mine = audited_by(request.user, job)
        outcomes = [(c, job.outcomes[str(c.pk)]) for c in job.councils.order_by("name") if c.pk in mine]
    context = {
        "job": job,
        "summary": _summary(job),
        "outcomes": outcomes,
        "intact": all(outcome.startswith("Intact") for _, outcome in outcomes),
        "mine": job.started_by_id == request.user.pk,
    }
    if job.status == Job.Status.DONE and job.downloadable and context["mine"]:
        extension = job.filename.rpartition(".")[2].lower()
        context |= {"file_format": FILE_FORMATS.get(extension, extension.upper()), "file_size": _file_size(job)}
    return render(request, "core/job.html", context)


@require_GET
@never_cache
def job_progress(request: HttpRequest, pk: str) -> JsonResponse:
    """What the page's script shows as the job goes; once `finished`, it loads the page's result in place."""
    job = get_job_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.finished,
            "done": job.done,
            "total": job.total,
            "unit": job.unit,
            "percent": job.percent,
            "summary": _summary(job),
        }
    )


@require_GET
def job_download(request: HttpRequest, pk: str) -> FileResponse:
    """The file the job produced, for the person who asked for it while it lasts; every download is recorded."""
    job = get_job_for_user(request.user, pk)
    if job.started_by_id != request.user.pk or job.status != Job.Status.DONE or not job.downloadable:
        raise Http404("No such file")
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.EXPORT,
        user=request.user,
        council=job.council,
        description=f"{job.description}, prepared {timezone.localtime(job.finished_at):%H:%M on %-d %B %Y}",
    )
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
