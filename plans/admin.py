from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BoardMeeting, Council, DeliveryPlan, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Council)
class CouncilAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "council", "role"]
    list_filter = ["council", "role"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]


class BoardMeetingInline(admin.TabularInline):
    model = BoardMeeting
    extra = 0


@admin.register(DeliveryPlan)
class DeliveryPlanAdmin(SimpleHistoryAdmin):
    list_display = ["council", "year", "status"]
    list_filter = ["council", "status"]
    inlines = [BoardMeetingInline]
