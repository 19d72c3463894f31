from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import m2m_changed, post_init, post_migrate, post_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from simple_history.signals import post_create_historical_m2m_records, post_create_historical_record

        from . import append_only, audit, change_writer, changes, middleware, signin
        from .models import Versioned

        def chain_history(sender: Any, history_instance: Any, **kwargs: Any) -> None:
            audit.written(type(history_instance), history_instance.pk)

        def chain_row(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
            if created:
                audit.written(sender, instance.pk)

        def install_triggers(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
            if sender.name == self.name:
                append_only.install(connections[using])

        # The audit chain is infrastructure, not domain logic: every append-only row is noted as it is written,
        # whichever code wrote it, and linked when the transaction that wrote it ends (audit.chained). The signals
        # only pass on what was written; nothing is read back here.
        post_create_historical_record.connect(chain_history, weak=False, dispatch_uid="audit-chain-history")
        for label in append_only.APPEND_ONLY_MODELS:
            if label != "core.AuditEntry":
                post_save.connect(chain_row, sender=label, weak=False, dispatch_uid=f"audit-chain-{label}")
        # The change record is written with each history entry, from the values in memory (core.change_writer).
        post_create_historical_record.connect(
            change_writer.history_recorded, weak=False, dispatch_uid="change-record-history"
        )
        post_create_historical_m2m_records.connect(change_writer.m2m_rows, weak=False, dispatch_uid="change-m2m")
        for label in changes.TRACKED:
            if not issubclass(changes.model(label), Versioned):
                post_init.connect(change_writer.remember, sender=label, weak=False, dispatch_uid=f"change-{label}")
        for label, name in changes.M2M.items():
            through = changes.model(label)._meta.get_field(name).remote_field.through
            m2m_changed.connect(change_writer.m2m_event, sender=through, weak=False, dispatch_uid=f"change-m2m-{label}")
        post_migrate.connect(install_triggers, weak=False, dispatch_uid="append-only-triggers")
        user_logged_in.connect(middleware.session_started, dispatch_uid="session-started")
        user_logged_in.connect(signin.signed_in, dispatch_uid="security-log-signed-in")
        user_logged_out.connect(signin.signed_out, dispatch_uid="security-log-signed-out")
