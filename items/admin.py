from django.contrib import admin
from django.http import HttpRequest

from .models import StatusUpdateBase, item_key


class StatusUpdateAdminBase(admin.ModelAdmin):
    """Read-only: status updates are an append-only record."""

    def get_fields(self, request: HttpRequest, obj: StatusUpdateBase | None = None) -> list[str]:
        # The item first, as the record reads (the item's foreign key is declared after the shared fields).
        return [item_key(self.model), "rag", "previous_rag", "commentary", "evidence", "as_of", "created_by"]

    def has_add_permission(self, request: HttpRequest, obj: StatusUpdateBase | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StatusUpdateBase | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StatusUpdateBase | None = None) -> bool:
        return False
