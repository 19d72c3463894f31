from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from items.admin import StatusUpdateAdminBase

from .models import Action, StatusUpdate


@admin.register(Action)
class ActionAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    """Object permissions ("Object permissions" button) make a person the lead of an action."""

    list_display = ["reference", "title", "lead", "rag", "plan"]
    list_filter = ["plan__council", "plan", "rag"]
    search_fields = ["reference", "title", "lead"]
    filter_horizontal = ["answers"]
    raw_id_fields = ["carried_from"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(StatusUpdateAdminBase):
    list_display = ["action", "rag", "as_of", "created_by", "created_at"]
    list_filter = ["rag", "action__plan"]
