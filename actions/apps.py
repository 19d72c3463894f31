from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"

    def ready(self) -> None:
        from plans.access import register_led_items

        from .access import actions_led_by
        from .models import Action

        # A lead of one of these sees its plan (plans.access asks every kind of item that has leads).
        register_led_items(model=Action, led_by=actions_led_by)
