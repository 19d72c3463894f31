"""Turn the JSON that run.sh collected into the Markdown table the README quotes."""

import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

TARGETS = {"dashboard": 100, "status update POST": 100, "past-meeting dashboard": 200}


def server_side(log: Path, trace: Path) -> dict[str, tuple[float, float]]:
    """p50 and p95 (ms) of each scenario's measured requests as the server itself timed them.

    The access log ends each line with the request's duration (microseconds) and its X-Bench-Id; the trace names
    the scenario of each measured request, so warm-up and sign-in requests are left out.
    """
    if not (log.exists() and trace.exists()):
        return {}
    durations = {}
    for line in log.read_text().splitlines():
        *_, microseconds, number = line.split()
        if number.isdigit():
            durations[int(number)] = int(microseconds) / 1000
    found: dict[str, list[float]] = {}
    for line in trace.read_text().splitlines():
        scenario, number, _ = json.loads(line)
        if number in durations:
            found.setdefault(scenario, []).append(durations[number])
    return {
        name: (round(statistics.median(times), 1), round(sorted(times)[int(len(times) * 0.95) - 1], 1))
        for name, times in found.items()
    }


def read(path: Path):
    return json.loads(path.read_text()) if path.exists() else None


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def overlap(row: dict, jobs: list[dict]) -> float:
    """The share of a scenario's measured run during which a verification was running on the worker."""
    began, ended = row.get("began"), row.get("ended")
    if not began or ended <= began:
        return 0.0
    covered = sum(
        max(0.0, min(ended, job["finished_at"] or ended) - max(began, job["started_at"]))
        for job in jobs
        if job["started_at"]
    )
    return min(1.0, covered / (ended - began))


def during_verification(out: Path, people: list[dict], served: dict) -> None:
    """The people-paced figures beside the same load's while a full verification ran, and the verification."""
    verifying, verification = read(out / "load-verifying.json"), read(out / "verify.json")
    if not (verifying and verification):
        return
    jobs = verification["jobs"]
    print(f"\nThe full verification of the audit record ({verification['audit_entries']:,} entries in the chain):\n")
    for number, job in enumerate(jobs, 1):
        verdict = {True: "intact", False: "FAILED", None: "no verdict"}[job["intact"]]
        print(
            f"- {number} of {len(jobs)}, for all {job['councils']} councils: {job['status']}, {verdict} "
            f"({job['councils_intact']} councils told intact), {job['wall_seconds']} s from asking to the result "
            f"({job['running_seconds']} s on the worker), {job['done']:,} {job['unit']}."
            + (f" {job['error']}" if job["error"] else "")
        )
    if jobs and jobs[0]["first_outcome"]:
        print(f"\nFirst council's outcome: {jobs[0]['first_outcome']}")
    while_served = server_side(out / "access-verifying.log", out / "trace-verifying.jsonl")
    print("\nPages while the full verification runs (the same people-paced load, without and with):\n")
    print(
        "| Scenario | p50 / p95 ms without | p50 / p95 ms while verifying | server's own without | "
        "server's own while verifying | measured run overlapping a verification | errors while verifying |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    without = {row["name"]: row for row in people}
    for row in verifying:
        name, before = row["name"], without.get(row["name"], {})
        print(
            f"| {name} | {before.get('p50_ms', '')} / {before.get('p95_ms', '')} | {row['p50_ms']} / {row['p95_ms']} | "
            f"{' / '.join(map(str, served.get(name, ())))} | {' / '.join(map(str, while_served.get(name, ())))} | "
            f"{overlap(row, jobs):.0%} | {row['errors']} |"
        )


def main() -> None:
    out = Path(sys.argv[1])
    people, saturated = read(out / "load-people.json"), read(out / "load-saturated.json")
    floors = {row["name"]: row for row in read(out / "floor.json") or []}
    queries = read(out / "queries.json")
    served = server_side(out / "access-people.log", out / "trace-people.jsonl")
    sizes = list(queries)
    saturated = saturated or [{} for _ in people]  # verify_under_load.sh measures no saturation
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"Machine: {os.cpu_count()} cores, {memory:.0f} GiB, {platform.python_implementation()} "
        f"{platform.python_version()}, {pg}, gunicorn sync workers.\n"
    )
    generated = (out / "generate.txt").read_text().strip().splitlines()[-1] if (out / "generate.txt").exists() else ""
    councils = os.environ.get("BENCH_COUNCILS", "350")
    print(f"Data: `python -m bench.generate --councils {councils} --years 8`: {generated}\n")
    sealed = [line for line in _lines(out / "seal.txt") if line.startswith("Sealed")]
    if sealed:
        print(f"`seal_meetings` on that data: {sealed[-1]}\n")
    first = people[0]
    print(
        f"{first['clients']} clients, each pausing {first['think_s']} s on average between requests (people), "
        f"then with no pause (saturation); {people[0]['requests']} or more requests per scenario.\n"
    )
    print(
        "| Scenario | p50 ms | p95 ms | target p95 | server's own p50 / p95 ms | psql floor p50 / p95 ms | "
        "p95 / floor | saturated: req/s, p95 ms | queries per request (" + " / ".join(sizes) + ") |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row, busy in zip(people, saturated, strict=True):
        name = row["name"]
        floor = floors.get(name, {})
        target = TARGETS.get(name)
        met = "" if target is None else (f"{target} ({'met' if row['p95_ms'] <= target else 'missed'})")
        ratio = f"{row['p95_ms'] / floor['p95_ms']:.1f}x" if floor else ""
        counts = " / ".join(
            str(queries[size].get(name, queries[size].get(f"{name} (refused as stale)", ""))) for size in sizes
        )
        print(
            f"| {name} | {row['p50_ms']} | {row['p95_ms']} | {met} | {' / '.join(map(str, served.get(name, ())))} | "
            f"{floor.get('p50_ms', '')} / "
            f"{floor.get('p95_ms', '')} | {ratio} | {busy.get('per_second', '')}, {busy.get('p95_ms', '')} | {counts} |"
        )
    during_verification(out, people, served)
    exports = sorted(out.glob("export-*.json"))
    if exports:
        print(
            "\n| History CSV export | rows | seconds (first download) | rows/s | worker peak MiB (idle → after) | "
            "COPY s (first) | export / COPY |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- |")
    for path in exports:
        row = read(path)
        slug = row["name"].removeprefix("history CSV of ")
        copy = floors.get(f"history COPY of {slug}", {})
        ratio = f"{row['seconds'] / copy['seconds']:.1f}x" if copy else ""
        print(
            f"| {slug} | {row['rows']:,} | {row['seconds']} ({row.get('first_seconds', '')}) | "
            f"{row['rows_per_second']:,} | {row['worker_peak_mib_before']} → {row['worker_peak_mib_after']} | "
            f"{copy.get('seconds', '')} ({copy.get('first_seconds', '')}) | {ratio} |"
        )
    commit = floors.get("one-row commit")
    if commit:
        print(
            f"\nOne committed one-row INSERT on this machine (every status update waits for one): p50 "
            f"{commit['p50_ms']} ms, p95 {commit['p95_ms']} ms, max {commit['max_ms']} ms; "
            f"{commit['over_100_ms']} of {commit['commits']} over 100 ms."
        )


if __name__ == "__main__":
    main()
