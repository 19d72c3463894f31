from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mfa import services


class Command(BaseCommand):
    help = (
        "Reset a person's two-factor authentication when they have lost their phone: their authenticator app and "
        "recovery codes are removed, and they set up a new app at their next sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: object, username: str, **options: object) -> None:
        user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"There is no account with the username {username}")
        apps = services.mfa_reset(user=user, by="the reset_mfa command")
        if apps:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Two-factor authentication reset for {username}: they will set up their authenticator app "
                    "again when they next sign in."
                )
            )
        else:
            self.stdout.write(f"{username} had no authenticator app set up; any recovery codes were removed.")
