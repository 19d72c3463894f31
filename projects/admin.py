from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from items.admin import StatusUpdateAdminBase

from .models import CommissionedProject, OutputTarget, ProjectStatusUpdate


class OutputTargetInline(admin.TabularInline):
    model = OutputTarget
    extra = 0


@admin.register(CommissionedProject)
class CommissionedProjectAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    list_display = ["name", "provider", "rag", "plan"]
    list_filter = ["plan__council", "plan", "rag"]
    search_fields = ["name", "provider"]
    filter_horizontal = ["objectives"]
    inlines = [OutputTargetInline]


@admin.register(ProjectStatusUpdate)
class ProjectStatusUpdateAdmin(StatusUpdateAdminBase):
    list_display = ["project", "rag", "as_of", "created_by", "created_at"]
