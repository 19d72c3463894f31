from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

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
class ProjectStatusUpdateAdmin(admin.ModelAdmin):
    """Read-only: status updates are an append-only record."""

    list_display = ["project", "rag", "as_of", "created_by", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
