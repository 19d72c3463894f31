from django.apps import AppConfig


class ItemsConfig(AppConfig):
    """What actions and projects share as items of a plan: their abstract models, status updates, access and pages."""

    name = "items"
