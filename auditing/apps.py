from django.apps import AppConfig


class AuditingConfig(AppConfig):
    name = "auditing"
    verbose_name = "The auditors' page and full verification"
