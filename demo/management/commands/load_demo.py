from django.conf import settings
from django.core.management.base import BaseCommand

from demo.demo import demo_sign_ins, load_demo


class Command(BaseCommand):
    help = (
        "Load the Tower Hamlets demo plans, reviews and demo accounts, and play the illustrative year of the 2018-19 "
        "plan (idempotent)."
    )

    def handle(self, *args: object, **options: object) -> None:
        loaded = load_demo(story=True)
        if loaded:
            self.stdout.write(self.style.SUCCESS(f"Loaded {', '.join(loaded)}"))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write(f"\nDemo sign-ins (password: {settings.DEMO_PASSWORD}):")
        for username, what in demo_sign_ins():
            self.stdout.write(f"  {username:<30} {what}")
