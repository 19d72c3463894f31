"""Publishing a plan's redacted version, and opening or closing its public address. Each runs in one
transaction, records who did it and raises StaleEdit when the plan changed after the page was opened."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.versioning import lock_for_edit, save_edit
from plans.models import DeliveryPlan

from .tasks import render_published_pdf


@audit.chained()
def plan_publish(*, plan: DeliveryPlan, public: bool, by: AbstractBaseUser, expected_version: int) -> DeliveryPlan:
    """Publish the plan as it stands now (its redacted version), and say whether anyone may read it unsigned-in."""
    current = lock_for_edit(plan, expected_version)
    current.published_at = timezone.now()
    current.public = public
    save_edit(current, by=by, fields=["published_at", "public"], reason="Published")
    # Its PDF rendered by a worker once this is committed, so no visitor waits for it.
    published_at = current.published_at.isoformat()
    transaction.on_commit(lambda: render_published_pdf.enqueue(current.pk, published_at))
    return current


@audit.chained()
def plan_set_public(*, plan: DeliveryPlan, public: bool, by: AbstractBaseUser, expected_version: int) -> DeliveryPlan:
    """Open or close the public address of the version already published; what it shows does not change."""
    current = lock_for_edit(plan, expected_version)
    if current.published_at is None:
        raise ValidationError("Publish the plan first")
    current.public = public
    save_edit(current, by=by, fields=["public"], reason="Public address opened" if public else "Public address closed")
    return current
