"""The background worker: django-tasks-db's `db_worker`, after making sure the nightly work is queued.

Its own command rather than `db_worker` plus a cron line: the operator runs workers anyway, and a schedule kept by
the workers themselves cannot be forgotten when the service moves to another machine.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import OperationalError, ProgrammingError
from django.utils import timezone

from board.nightly import nightly_scheduled
from core.jobs import lost_jobs_marked


class Command(BaseCommand):
    help = (
        "Run a background worker (exports, verifications, emails, PDFs) after queueing the nightly sealing and "
        "verification if it is not queued yet. Run several in production; each takes one task at a time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run the waiting tasks, then stop.")
        parser.add_argument("--reload", action="store_true", help="Restart when the code changes (development).")

    def handle(self, *args: object, batch: bool = False, reload: bool = False, **options: object) -> None:
        try:
            # A job left running by a worker killed under it (this one, restarted) shows as failed from now.
            lost = lost_jobs_marked()
            at = nightly_scheduled()
        except (OperationalError, ProgrammingError) as error:  # not migrated yet: `make run` migrates first
            self.stderr.write(f"The nightly run could not be queued ({error}); run `manage.py migrate`.")
        else:
            self.stdout.write(f"Nightly sealing and verification queued for {timezone.localtime(at):%Y-%m-%d %H:%M %Z}")
            if lost:
                self.stdout.write(f"{lost} job(s) left running by a stopped worker marked failed")
        call_command(
            "db_worker",
            batch=batch,
            reload=reload,
            interval=1,
            verbosity=options.get("verbosity", 1),
        )
