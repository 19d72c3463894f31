"""Have a council's whole change history written as CSV by a background worker, download it, and report its speed
and memory.

The export is asked for (a POST), written by the background worker (`manage.py run_worker`, which run.sh starts
just before) while its progress is polled, then downloaded. Memory is read from the kernel: the peak resident set
(VmHWM) of the worker process, and of each gunicorn worker, which now only hands over the finished file. The export
is made twice: the first reads whatever of the council's history the page cache does not hold, the second is timed
as floor.py times its second COPY, so the two are compared on the same footing; both times are reported (asked for
to downloaded).

    python bench/export.py --base http://127.0.0.1:8100 --slug <council> --username <coordinator> --password ... \
        --master <gunicorn pid> --worker <run_worker pid> --out export.json
"""

import argparse
import csv
import io
import json
import subprocess
import time
from pathlib import Path

from load import Session


def peak(pid: int | str) -> int:
    """Peak resident memory of the process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return 0


def worker_peaks(master: int) -> list[int]:
    """Peak resident memory of each worker of the gunicorn master, in MiB."""
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [peak(pid) for pid in children]


def exported(session: Session, slug: str) -> bytes:
    """Ask for the export, wait for the background worker to write it, and download it."""
    token = session.cookies["csrftoken"]
    status, headers, _, _ = session.request("POST", f"/councils/{slug}/history.csv", {"csrfmiddlewaretoken": token})
    if status != 302:
        raise SystemExit(f"asking for the export answered {status}")
    job = headers["Location"]  # /jobs/<id>/
    while True:
        status, _, body, _ = session.request("GET", f"{job}progress/")
        state = json.loads(body)
        if state["status"] == "failed":
            raise SystemExit("the export failed: see the worker's log")
        if state["finished"]:
            break
        time.sleep(0.2)
    status, _, body, _ = session.request("GET", f"{job}download/")
    if status != 200:
        raise SystemExit(f"the download answered {status}")
    return body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8100")
    parser.add_argument("--slug", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--master", type=int, required=True, help="pid of the gunicorn master")
    parser.add_argument("--worker", type=int, required=True, help="pid of the background worker (run_worker)")
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    before = worker_peaks(arguments.master)
    session = Session(arguments.base)
    session.sign_in(arguments.username, arguments.password)
    times = []
    for _ in range(2):
        started = time.perf_counter()
        body = exported(session, arguments.slug)
        times.append(time.perf_counter() - started)
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
        "background_worker_peak_mib": peak(arguments.worker),
    }
    arguments.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
