from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Recommendation, Review


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["title", "council", "kind", "date"]
    list_filter = ["council", "kind"]
    inlines = [RecommendationInline]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["number", "text", "owner", "review"]
    list_filter = ["review"]
    search_fields = ["text", "owner"]
