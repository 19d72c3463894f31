import datetime
import os
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from plans.scale import Generator, Options


class Command(BaseCommand):
    help = (
        "Generate a national dataset for performance work: councils with years of plans, leads, reviews, status "
        "updates, their history and audit chain, written in bulk. Deterministic for a given --seed and --until."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--councils", type=int, default=350)
        parser.add_argument("--years", type=int, default=8, help="plans per council, ending with the current year")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until", type=datetime.date.fromisoformat, default=None, help="the last day of history (YYYY-MM-DD)"
        )
        parser.add_argument("--actions", type=int, default=60, help="average actions per plan")
        parser.add_argument("--projects", type=int, default=8, help="average commissioned projects per plan")

    def handle(self, *args: object, **options: object) -> None:
        if options["councils"] < 1 or options["years"] < 1 or options["actions"] < 1:
            raise CommandError("--councils, --years and --actions must be at least 1")
        password = os.environ.get("SCALE_PASSWORD", "")
        generator = Generator(
            Options(
                councils=options["councils"],
                years=options["years"],
                seed=options["seed"],
                until=options["until"] or datetime.date.today(),
                actions=options["actions"],
                projects=options["projects"],
                password=password,
            ),
            log=self.stdout.write,
        )
        started = time.monotonic()
        self.stdout.write(
            f"Generating {options['councils']} councils x {options['years']} years on {connection.vendor}, "
            f"history until {generator.options.until}, seed {options['seed']}"
        )
        written = generator.run()
        elapsed = time.monotonic() - started
        width = max(len(name) for name in written)
        for name, count in written.items():
            self.stdout.write(f"  {name:<{width}} {count:>12,}")
        total = sum(written.values())
        self.stdout.write(self.style.SUCCESS(f"{total:,} rows in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s)"))
        if not password:
            self.stdout.write("The generated accounts cannot sign in: set SCALE_PASSWORD to give them a password.")
