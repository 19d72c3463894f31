from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import audit
from core.jobs import command_progress
from core.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Recompute the audit hash chain, check it against the signed checkpoints kept outside the database, and check "
        "every live row against its latest history entry. "
        "Exits 0 when the record is intact, otherwise 1, naming the first entry that fails."
    )

    def handle(self, *args: object, **options: object) -> None:
        # How far it has got, on standard error: a national-scale record takes many minutes.
        progress = command_progress("entries of the chain checked")
        result = audit.verify(progress=progress)
        progress.finish()
        summary = ", ".join(
            [
                f"{result.entries} chained entries",
                f"{result.checkpoints} checkpoints",
                f"{result.rows_compared} live rows compared",
                *(f"{count} {name}" for name, count in result.checked.items()),
            ]
        )
        with audit.chained():
            AuditEvent.objects.create(
                kind=AuditEvent.Kind.VERIFICATION,
                description="verify_audit command",
                outcome=("intact: " + summary) if result.ok else result.problems[0],
            )
        if not result.ok:
            raise CommandError(f"Audit record FAILED verification: {result.problems[0]}", returncode=1)
        if result.entries and not result.checkpoints:
            self.stderr.write(
                self.style.WARNING(
                    f"No checkpoint in {settings.AUDIT_CHECKPOINT_PATH}: nothing outside the database vouches for "
                    "the chain, so a rewrite of the whole chain would not show."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Audit record intact: {summary}. Chain head {result.head_hash}"))
