from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Objective


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan__council", "plan"]
    search_fields = ["title"]
