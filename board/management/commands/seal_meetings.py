import time

from django.core.management.base import BaseCommand, CommandError

from board.sealing import seal_meetings
from core.jobs import command_progress


class Command(BaseCommand):
    help = (
        "Seal what the Board's dashboard showed at each past meeting not sealed yet, so it is read back as one row. "
        "Run it nightly; it is safe to run again or while people work. Exits non-zero naming any meeting it could not "
        "seal (the others are sealed)."
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        progress = command_progress("past meetings looked at")
        result = seal_meetings(progress=progress)
        progress.finish()
        self.stdout.write(
            f"Sealed {result.sealed:,} of {result.past:,} past meetings ({result.past - result.sealed:,} were sealed "
            f"already) in {time.monotonic() - started:.1f} s"
        )
        if result.skipped:
            # A non-zero exit, so cron or the timer reports the night's run; the rest were sealed all the same.
            raise CommandError(
                f"Could not seal {len(result.skipped):,} past meeting{'s' if len(result.skipped) != 1 else ''}: "
                + "; ".join(result.skipped)
            )
