"""The auditor's page: verify the tamper-evident record, and see who exported or verified what.

Only people holding the auditor role in some council see it; to anyone else it does not exist (404).
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from plans.models import Council, Role

from . import audit as audit_chain
from .audit import Verification, verify
from .keys import key_or_none
from .models import AuditEvent

LATEST = 50


def auditor_councils(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Council]:
    """The councils in which the user holds the auditor role."""
    if not user.is_authenticated:
        return Council.objects.none()
    return Council.objects.filter(memberships__user=user, memberships__role=Role.AUDITOR).distinct()


def describe(result: Verification, council: Council) -> str:
    """The outcome for one council: its own record's first problem, or the shared record's, else intact. Another
    council's problems are left out, so what an auditor reads is the same whether or not another record is broken.
    """
    problem = result.problem_for(council.pk)
    if problem is not None:
        return f"FAILED: {problem}"
    checked = "".join(f", {count:,} {name}" for name, count in result.checked.items())
    return (
        f"Intact: {result.entries:,} entries in the chain recomputed against {result.checkpoints:,} checkpoints, "
        f"{result.rows_compared:,} live rows compared with their history{checked}. Chain head {result.head_hash}"
    )


@require_http_methods(["GET", "POST"])
def audit(request: HttpRequest) -> HttpResponse:
    councils = list(auditor_councils(request.user))
    if not councils:
        raise Http404("No such page")
    if request.method == "POST":
        result = verify(councils=frozenset(council.pk for council in councils))
        # One event per council audited, each with that council's outcome, so each council's list shows every
        # verification made on its behalf.
        with audit_chain.chained():
            events = [
                AuditEvent.objects.create(
                    kind=AuditEvent.Kind.VERIFICATION,
                    user=request.user,
                    council=council,
                    description=f"Verification of the audit record for {council.name}",
                    outcome=describe(result, council),
                )
                for council in councils
            ]
        return redirect(f"{reverse('plans:audit')}?{urlencode([('verification', event.pk) for event in events])}")
    asked = [pk for pk in map(key_or_none, request.GET.getlist("verification")) if pk is not None][: len(councils)]
    shown = list(
        AuditEvent.objects.filter(pk__in=asked, kind=AuditEvent.Kind.VERIFICATION, council__in=councils)
        .select_related("council")
        .order_by("council__name")
    )
    events = AuditEvent.objects.filter(council__in=councils).select_related("user", "council")[:LATEST]
    context = {
        "councils": councils,
        "shown": shown,
        "intact": all(event.outcome.startswith("Intact") for event in shown),
        "events": events,
    }
    return render(request, "core/audit.html", context)
