"""Generate the national dataset for performance work: councils with years of plans, leads, reviews, status updates,
their history and audit chain, written in bulk. Deterministic for a given --seed and --until.

    python -m bench.generate --councils 350 --years 8 --seed 1 --until 2026-11-22

It writes to the database the settings name (DATABASE_URL), like manage.py. Set SCALE_PASSWORD to let the generated
accounts sign in (the load benchmark needs it)."""

import argparse
import datetime
import os
import sys
import time
from collections.abc import Sequence
from typing import TextIO

import django


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=350)
    parser.add_argument("--years", type=int, default=8, help="plans per council, ending with the current year")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--until", type=datetime.date.fromisoformat, default=None, help="the last day of history (YYYY-MM-DD)"
    )
    parser.add_argument("--actions", type=int, default=60, help="average actions per plan")
    parser.add_argument("--projects", type=int, default=8, help="average commissioned projects per plan")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, int]:
    parser = arguments()
    options = parser.parse_args(argv)
    if options.councils < 1 or options.years < 1 or options.actions < 1:
        parser.error("--councils, --years and --actions must be at least 1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from bench.scale import Generator, Options

    password = os.environ.get("SCALE_PASSWORD", "")
    generator = Generator(
        Options(
            councils=options.councils,
            years=options.years,
            seed=options.seed,
            until=options.until or datetime.date.today(),
            actions=options.actions,
            projects=options.projects,
            password=password,
        ),
        log=lambda line: print(line, file=out),
    )
    started = time.monotonic()
    print(
        f"Generating {options.councils} councils x {options.years} years on {connection.vendor}, "
        f"history until {generator.options.until}, seed {options.seed}",
        file=out,
    )
    written = generator.run()
    elapsed = time.monotonic() - started
    width = max(len(name) for name in written)
    for name, count in written.items():
        print(f"  {name:<{width}} {count:>12,}", file=out)
    total = sum(written.values())
    print(f"{total:,} rows in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s)", file=out)
    if not password:
        print("The generated accounts cannot sign in: set SCALE_PASSWORD to give them a password.", file=out)
    return written


if __name__ == "__main__":
    main()
