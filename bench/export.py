"""Download a council's whole change history as CSV from the running server and report its speed and memory.

The server's memory is read from the kernel: the peak resident set (VmHWM) of each gunicorn worker, which
run.sh restarts just before, so the peak is the export's own. The export is downloaded twice: the first reads
whatever of the council's history the page cache does not hold, the second is timed as floor.py times its second
COPY, so the two are compared on the same footing; both times are reported.

    python bench/export.py --base http://127.0.0.1:8100 --slug <council> --username <coordinator> --password ...
"""

import argparse
import csv
import io
import json
import subprocess
import time
from pathlib import Path

from load import Session


def worker_peaks(master: int) -> list[int]:
    """Peak resident memory of each worker of the gunicorn master, in MiB."""
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(round(int(line.split()[1]) / 1024))
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8100")
    parser.add_argument("--slug", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--master", type=int, required=True, help="pid of the gunicorn master")
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    before = worker_peaks(arguments.master)
    session = Session(arguments.base)
    session.sign_in(arguments.username, arguments.password)
    times = []
    for _ in range(2):
        started = time.perf_counter()
        status, _, body, _ = session.request("GET", f"/councils/{arguments.slug}/history.csv")
        times.append(time.perf_counter() - started)
        if status != 200:
            raise SystemExit(f"export answered {status}")
    first, elapsed = times
    rows = sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""))) - 1
    result = {
        "name": f"history CSV of {arguments.slug}",
        "rows": rows,
        "bytes": len(body),
        "first_seconds": round(first, 3),
        "seconds": round(elapsed, 3),
        "rows_per_second": round(rows / elapsed),
        "worker_peak_mib_before": max(before),
        "worker_peak_mib_after": max(worker_peaks(arguments.master)),
    }
    arguments.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
