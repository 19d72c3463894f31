"""The auditor's page: verify the tamper-evident record, and see who exported or verified what.

Only people holding the auditor role in some council see it; to anyone else it does not exist (404).
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from plans.models import Council, Role

from .audit import Verification, verify
from .models import AuditEvent

LATEST = 50


def auditor_councils(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Council]:
    """The councils in which the user holds the auditor role."""
    if not user.is_authenticated:
        return Council.objects.none()
    return Council.objects.filter(memberships__user=user, memberships__role=Role.AUDITOR).distinct()


def describe(result: Verification) -> str:
    if result.ok:
        checked = "".join(f", {count:,} {name}" for name, count in result.checked.items())
        return (
            f"Intact: {result.entries:,} entries in the chain recomputed, {result.rows_compared:,} live rows "
            f"compared with their history{checked}. Chain head {result.head_hash}"
        )
    return f"FAILED: {result.problems[0]}"


@require_http_methods(["GET", "POST"])
def audit(request: HttpRequest) -> HttpResponse:
    councils = list(auditor_councils(request.user))
    if not councils:
        raise Http404("No such page")
    if request.method == "POST":
        outcome = describe(verify())
        # One event per council audited, so each council's list shows every verification made on its behalf.
        events = [
            AuditEvent.objects.create(
                kind=AuditEvent.Kind.VERIFICATION,
                user=request.user,
                council=council,
                description=f"Verification of the audit record for {council.name}",
                outcome=outcome,
            )
            for council in councils
        ]
        return redirect(f"{reverse('plans:audit')}?verification={events[0].pk}")
    shown = None
    if request.GET.get("verification", "").isdigit():
        shown = AuditEvent.objects.filter(
            pk=int(request.GET["verification"]), kind=AuditEvent.Kind.VERIFICATION, council__in=councils
        ).first()
    events = AuditEvent.objects.filter(council__in=councils).select_related("user", "council")[:LATEST]
    context = {
        "councils": councils,
        "shown": shown,
        "intact": shown is not None and shown.outcome.startswith("Intact"),
        "events": events,
    }
    return render(request, "core/audit.html", context)
