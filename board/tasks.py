"""The Board's background work: update-request emails to leads, and keeping past meetings' packs as PDFs.

Each task takes plain values (ids, strings): they are stored as JSON in the queue until a worker runs them.
"""

import datetime
import logging

from django.core.mail import EmailMessage, mailers
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from plans.models import BoardMeeting, UpdateRequestRecipient

from .board_pack import pack_pdf

logger = logging.getLogger(__name__)

# An email is tried this many times in all, waiting longer each time (a mail server briefly away recovers).
EMAIL_ATTEMPTS = 4
EMAIL_RETRY_AFTER = datetime.timedelta(minutes=1)


@task()
def send_update_request_email(recipient_id: int, subject: str, body: str, reply_to: list[str], attempt: int = 1) -> str:
    """One lead's update-request email. A failure is noted on the recipient and tried again later, up to
    EMAIL_ATTEMPTS in all; the request page shows each lead's outcome."""
    recipient = UpdateRequestRecipient.objects.select_related("user").get(pk=recipient_id)
    email = EmailMessage(subject=subject, body=body, to=[recipient.user.email], reply_to=reply_to or None)
    UpdateRequestRecipient.objects.filter(pk=recipient_id).update(attempts=F("attempts") + 1)
    try:
        sent = mailers.default.send_messages([email])
        if not sent:
            raise OSError("the mail server accepted nothing")
    except OSError as error:  # smtplib's errors included
        logger.warning("Update request email %s not sent (attempt %s): %s", recipient_id, attempt, error)
        reason = f"{type(error).__name__}: {error}"[:300]
        retry = attempt < EMAIL_ATTEMPTS
        retry_at = timezone.now() + EMAIL_RETRY_AFTER * 2 ** (attempt - 1) if retry else None
        UpdateRequestRecipient.objects.filter(pk=recipient_id).update(
            failure=reason, failed_at=timezone.now(), retry_at=retry_at
        )
        if retry:
            send_update_request_email.using(run_after=retry_at).enqueue(
                recipient_id, subject, body, reply_to, attempt + 1
            )
            return "retrying"
        raise  # the last attempt: the task fails too, which the operators alert on
    UpdateRequestRecipient.objects.filter(pk=recipient_id).update(emailed_at=timezone.now(), retry_at=None)
    return "sent"


@task()
def render_board_pack(meeting_id: int) -> str:
    """Render and keep a past meeting's Board pack, so its first download is served as kept."""
    meeting = BoardMeeting.objects.select_related("plan__council").filter(pk=meeting_id).first()
    if meeting is None:
        return "meeting deleted"
    pack_pdf(meeting)
    return "kept"
