from django.db import models
from guardian.models import UserObjectPermission
from simple_history import register


class Versioned(models.Model):
    """A row people edit in forms. The version a form was opened at guards against overwriting a newer save."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


# Who was made the lead of which action or project, and when that changed, belongs in the audit record too.
register(UserObjectPermission, app="core", table_name="core_historicaluserobjectpermission")
