from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans and councils"

    def ready(self) -> None:
        from core import audit

        from .sealing import verify_sealed

        audit.CHECKS["sealed dashboards rebuilt from history"] = verify_sealed
