"""Workflows around the Prevent Programme Board: asking leads for status updates before it meets, and recording
each Board pack exported. Writes are atomic; emails leave only once the request is safely recorded."""

import datetime
import logging
from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actions.access import leads_of_plan as action_leads
from actions.models import Action, StatusUpdate
from core import audit
from core.access import lead_ids_by_item
from core.emails import email_from
from core.limits import MESSAGE
from core.models import AuditEvent
from plans.models import BoardMeeting, DeliveryPlan, Invitation, UpdateRequest, UpdateRequestRecipient
from projects.access import leads_of_plan as project_leads
from projects.models import CommissionedProject, ProjectStatusUpdate

from .tasks import send_update_request_email

logger = logging.getLogger(__name__)
MESSAGE_MAX = MESSAGE


@dataclass
class DueItem:
    """An action or project of a lead's that is overdue or stale."""

    label: str
    status_url: str  # path of its status form
    overdue: bool
    stale: bool
    due_date: datetime.date | None
    updated_at: datetime.datetime | None

    @property
    def reasons(self) -> str:
        reasons = []
        if self.overdue:
            reasons.append(f"overdue: due {self.due_date:%-d %B %Y}")
        if self.stale:
            when = timezone.localtime(self.updated_at) if self.updated_at else None
            reasons.append(f"no update since {when:%-d %B %Y}" if when else "never updated")
        return "; ".join(reasons)


@dataclass
class LeadToAsk:
    user: AbstractBaseUser
    items: list[DueItem] = field(default_factory=list)

    @property
    def reachable(self) -> bool:
        return bool(self.user.email)

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


@dataclass
class UnledItem:
    """An overdue or stale item nobody can be asked about: no lead with an active account. Its leads invited but
    not yet accepted are in `invited` (their invitations can be sent again); `invite_url` invites someone."""

    item: DueItem
    invite_url: str
    invited: list[Invitation]


def items_without_lead(plan: DeliveryPlan, *, now: datetime.datetime | None = None) -> list[UnledItem]:
    """The live overdue or stale items of the plan that an update request cannot reach, in plan order (a fixed
    number of queries, whatever the number of items)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    back = reverse("plans:update_requests", args=[plan.pk])
    unled: list[tuple[DueItem, str, list[int]]] = []
    sources = [
        (Action.objects.filter(plan=plan), action_leads(plan), "actions:update_status", "action"),
        (CommissionedProject.objects.filter(plan=plan), project_leads(plan), "projects:update_status", "project"),
    ]
    for items, leads_by_item, url_name, key in sources:
        live = items.filter(withdrawn_at__isnull=True)
        # Everyone granted the lead's permission, those invited and not yet signed up included: one query.
        granted = lead_ids_by_item(live)
        for item in live.order_by("position", "pk"):
            overdue, stale = item.is_overdue(today), item.is_stale(now)
            if not (overdue or stale) or item.pk in leads_by_item:
                continue
            label = f"{item.reference} {item.title}" if isinstance(item, Action) else item.name
            due = DueItem(
                label, reverse(url_name, args=[item.pk]), overdue, stale, item.due_date, item.status_updated_at
            )
            invite_url = f"{reverse('plans:invite', args=[plan.pk])}?{key}={item.pk}&next={back}"
            unled.append((due, invite_url, granted.get(item.pk, [])))
    waiting = Invitation.objects.filter(
        user__in={user_id for _, _, user_ids in unled for user_id in user_ids}, accepted_at__isnull=True
    ).select_related("user")
    by_user = {invitation.user_id: invitation for invitation in waiting}
    return [
        UnledItem(
            due, invite_url, sorted((by_user[pk] for pk in user_ids if pk in by_user), key=lambda i: i.user.username)
        )
        for due, invite_url, user_ids in unled
    ]


def leads_to_ask(plan: DeliveryPlan, *, now: datetime.datetime | None = None) -> list[LeadToAsk]:
    """The leads with at least one live overdue or stale item in the plan, each with those items in plan order."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    leads: dict[int, LeadToAsk] = {}
    sources = [
        (Action.objects.filter(plan=plan), action_leads(plan), "actions:update_status"),
        (CommissionedProject.objects.filter(plan=plan), project_leads(plan), "projects:update_status"),
    ]
    for items, leads_by_item, url_name in sources:
        for item in items.filter(withdrawn_at__isnull=True).order_by("position", "pk"):
            overdue, stale = item.is_overdue(today), item.is_stale(now)
            if not (overdue or stale) or item.pk not in leads_by_item:
                continue
            label = f"{item.reference} {item.title}" if isinstance(item, Action) else item.name
            due = DueItem(
                label, reverse(url_name, args=[item.pk]), overdue, stale, item.due_date, item.status_updated_at
            )
            for user in leads_by_item[item.pk]:
                leads.setdefault(user.pk, LeadToAsk(user)).items.append(due)
    return sorted(leads.values(), key=lambda lead: lead.user.get_username())


def _email(
    *, plan: DeliveryPlan, lead: LeadToAsk, message: str, by: AbstractBaseUser, meeting: BoardMeeting | None, base: str
) -> EmailMessage:
    context = {
        "plan": plan,
        "lead": lead,
        "message": message,
        "meeting": meeting,
        "items": [(item, base + item.status_url) for item in lead.items],
        "my_actions_url": base + reverse("plans:mine"),
    }
    return email_from(
        by,
        to=lead.user.email,
        subject=f"Please update your Prevent actions: {plan.council.name}, {plan.title}",
        template="plans/emails/update_request.txt",
        context=context,
    )


def _queue_email(recipient_pk: int, email: EmailMessage) -> None:
    send_update_request_email.enqueue(recipient_pk, email.subject, email.body, list(email.reply_to))


@audit.chained()
def update_request_send(*, plan: DeliveryPlan, message: str, by: AbstractBaseUser, base_url: str) -> UpdateRequest:
    """Ask every lead with an overdue or stale item in the plan for a status update, in one step.

    The request and all its recipients are recorded together; each lead with an email address then gets one email
    (after the transaction commits) listing their items with absolute links to each status form and to My actions.
    Leads without an email address are recorded too, never emailed. The request is tied to the next Board meeting
    when one is recorded. Raises ValidationError for a message over 1,000 characters or when nobody is due.
    """
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise ValidationError({"message": f"The message must be {MESSAGE_MAX:,} characters or fewer"})
    now = timezone.now()
    leads = leads_to_ask(plan, now=now)
    if not leads:
        raise ValidationError("No lead has an overdue or stale item in this plan, so there is nobody to ask")
    meeting = BoardMeeting.objects.filter(plan=plan, date__gte=timezone.localdate(now)).order_by("date").first()
    update_request = UpdateRequest.objects.create(
        plan=plan, requested_by=by, requested_at=now, message=message, meeting=meeting
    )
    base = base_url.rstrip("/")
    emails = []
    for lead in leads:
        recipient = UpdateRequestRecipient.objects.create(request=update_request, user=lead.user)
        if lead.reachable:
            email = _email(plan=plan, lead=lead, message=message, by=by, meeting=meeting, base=base)
            emails.append((recipient.pk, email))
    # One task per email, queued once the request is committed: one refused address never stops the rest, and
    # each is tried again on its own (board.tasks.send_update_request_email).
    for recipient_pk, email in emails:
        transaction.on_commit(partial(_queue_email, recipient_pk, email))
    return update_request


@dataclass
class Response:
    recipient: UpdateRequestRecipient
    responded: bool


def update_request_responses(update_request: UpdateRequest) -> list[Response]:
    """Each lead asked, and whether they have reported on any item of the plan since the request was sent."""
    recipients = list(update_request.recipients.select_related("user").order_by("user__username"))
    users = [recipient.user_id for recipient in recipients]
    since = {"created_by__in": users, "created_at__gte": update_request.requested_at}
    responded = set(
        StatusUpdate.objects.filter(action__plan=update_request.plan_id, **since).values_list("created_by", flat=True)
    ) | set(
        ProjectStatusUpdate.objects.filter(project__plan=update_request.plan_id, **since).values_list(
            "created_by", flat=True
        )
    )
    return [Response(recipient, recipient.user_id in responded) for recipient in recipients]


def board_pack_record_export(*, meeting: BoardMeeting, by: AbstractBaseUser) -> AuditEvent:
    """Record that `by` exported the Board pack of the meeting (the audit record lists every export)."""
    plan = meeting.plan
    return AuditEvent.objects.create(
        kind=AuditEvent.Kind.EXPORT,
        user=by,
        council=plan.council,
        description=f"Board pack (PDF) for the meeting of {meeting.date:%-d %B %Y}, {plan.title}",
    )
