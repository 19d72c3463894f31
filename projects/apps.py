from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Commissioned projects"

    def ready(self) -> None:
        from plans.access import register_led_items

        from .access import projects_led_by
        from .models import CommissionedProject

        # A lead of one of these sees its plan (plans.access asks every kind of item that has leads).
        register_led_items(model=CommissionedProject, led_by=projects_led_by)
