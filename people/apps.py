from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "A council's people, roles and invitations"
