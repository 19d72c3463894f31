from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "board"
    verbose_name = "The Programme Board's dashboard, meetings, packs and sealing"

    def ready(self) -> None:
        from core import audit

        from .sealing import verify_sealed

        # verify_audit also rebuilds every sealed dashboard from the history and compares it with what was sealed.
        audit.CHECKS["sealed dashboards rebuilt from history"] = verify_sealed
