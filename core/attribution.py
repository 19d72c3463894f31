"""Which council a chained row belongs to, so that the auditors' page tells each council's auditors of problems in
their own council's record and in the record every council shares, and nothing of another council's.

Looked up only for a row found wrong, so a whole verification pays a query or two per problem, not per row.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .append_only import history_model, is_history_model

# The way from each chained model's rows to their council. A history row keeps its model's foreign keys (without
# database constraints), so the way from a history model is its live model's.
COUNCIL_PATHS = {
    "plans.council": "id",
    "plans.membership": "council",
    "plans.deliveryplan": "council",
    "plans.boardmeeting": "plan__council",
    "plans.programmeboard": "council",
    "plans.boardmember": "board__council",
    "plans.meetingattendance": "meeting__plan__council",
    "plans.actionarising": "meeting__plan__council",
    "plans.sealeddashboard": "plan__council",
    "plans.invitation": "council",
    "objectives.objective": "plan__council",
    "actions.action": "plan__council",
    "actions.statusupdate": "action__plan__council",
    "projects.commissionedproject": "plan__council",
    "projects.outputtarget": "project__plan__council",
    "projects.projectstatusupdate": "project__plan__council",
    "projects.outputdelivery": "output_target__project__plan__council",
    "peer_review.review": "council",
    "peer_review.recommendation": "review__council",
    "core.auditevent": "council",
    "core.changerecord": "council_id",
}
# The grant of a lead's permission belongs to the council of the action or project it is held on.
LEAD_GRANT = "guardian.userobjectpermission"


def live_label(model: type[models.Model]) -> str:
    return (model.instance_type if is_history_model(model) else model)._meta.label_lower


def council_of(model: type[models.Model], pk: int) -> int | None:
    """The council the row belongs to; None when it belongs to none, or is gone and cannot be told."""
    name = live_label(model)
    if name == LEAD_GRANT:
        grant = model._default_manager.filter(pk=pk).values("content_type_id", "object_pk").first()
        if grant is None:
            return None
        item = ContentType.objects.get_for_id(grant["content_type_id"]).model_class()
        if item is None or not str(grant["object_pk"]).isdigit():
            return None
        council = _follow(item, int(grant["object_pk"]))
        if council is None and live_label(item) in COUNCIL_PATHS:  # an item since deleted: its history tells
            council = _follow(history_model(item), int(grant["object_pk"]), key="id")
        return council
    return _follow(model, pk)


def _follow(model: type[models.Model], pk: int, *, key: str = "pk") -> int | None:
    path = COUNCIL_PATHS.get(live_label(model))
    if path is None:
        return None
    return model._default_manager.filter(**{key: pk}).values_list(path, flat=True).first()
