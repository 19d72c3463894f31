from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class MfaConfig(AppConfig):
    name = "mfa"
    verbose_name = "Two-factor authentication"

    def ready(self) -> None:
        from . import policy

        def decide_at_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
            # Deciding once at sign-in keeps the pages' own query counts: a request then only reads the session.
            if request is not None and hasattr(request, "session"):
                policy.remember(request, policy.decide(user))

        user_logged_in.connect(decide_at_sign_in, weak=False, dispatch_uid="mfa-decide-at-sign-in")
