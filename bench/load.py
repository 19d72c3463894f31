"""Drive a running server from loopback with concurrent signed-in clients and report latency per scenario.

Standard library only, so it measures the server and not a client library. Each client is a thread with its own
session: it signs in as the coordinator of its own council (as a real coordinator would), then repeats the
scenario's request for a bounded time. Gunicorn's sync workers close each connection, so every request opens one,
as a browser behind a load balancer would not: the figures include that cost.

    python bench/load.py --base http://127.0.0.1:8100 --targets bench/out/targets.json --clients 20 --seconds 20
"""

import argparse
import http.client
import itertools
import json
import random
import re
import statistics
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')


NUMBERS = itertools.count(1)  # each request's number, sent as X-Bench-Id so the server's log can be matched to it


class Session:
    """One browser: cookies, CSRF token, and a connection to the server behind a TLS-terminating proxy."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}
        self.last_number = 0

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, bytes, float]:
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",  # the proxy ends TLS; the settings trust this header
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": f"https://127.0.0.1{path}",
            "X-Bench-Id": str(number := next(NUMBERS)),
        }
        self.last_number = number
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        elapsed = time.perf_counter() - started
        connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), content, elapsed

    def sign_in(self, username: str, password: str) -> None:
        _, _, page, _ = self.request("GET", "/accounts/login/")
        token = CSRF_INPUT.search(page.decode()).group(1)
        status, _, _, _ = self.request(
            "POST", "/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"Sign-in as {username} failed ({status})")


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    numbered: list[tuple[int, float]] = field(default_factory=list)  # (X-Bench-Id, seconds) of each timed request
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    began: float = 0.0  # wall clock (epoch seconds) of the measured run, to set beside background work's times

    def summary(self) -> dict:
        ordered = sorted(self.latencies)
        if not ordered:
            return {"name": self.name, "requests": 0, "errors": self.errors[:3]}
        return {
            "name": self.name,
            "requests": len(ordered),
            "per_second": round(len(ordered) / self.seconds, 1),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1) if len(ordered) > 1 else None,
            "max_ms": round(ordered[-1] * 1000, 1),
            "errors": len(self.errors),
            "first_error": self.errors[0] if self.errors else "",
            "began": round(self.began, 1),
            "ended": round(self.began + self.seconds, 1),
        }


def status_update(session: Session, target: dict, rng: random.Random) -> float:
    """Open the status form of one of the council's actions (not timed) and submit it (timed)."""
    action = rng.choice(target["actions"])
    status, _, page, _ = session.request("GET", f"/actions/{action}/status/")
    text = page.decode()
    if status != 200:
        raise RuntimeError(f"status form {action}: {status}")
    today = time.gmtime()
    form = {
        "csrfmiddlewaretoken": CSRF_INPUT.search(text).group(1),
        "version": VERSION_INPUT.search(text).group(1),
        "rag": rng.choice(["green", "amber"]),
        "commentary": "Progress reported during the load test.",
        "as_of_0": str(today.tm_mday),
        "as_of_1": str(today.tm_mon),
        "as_of_2": str(today.tm_year),
    }
    status, _, _, elapsed = session.request("POST", f"/actions/{action}/status/", form)
    if status != 302:
        raise RuntimeError(f"status update {action}: {status}")
    return elapsed


SCENARIOS = {
    # What any signed-in page costs here (its session and user, the middleware, the page's frame around a short
    # text): the part of every other scenario that is the framework's rather than the page's own.
    "signed-in page": lambda s, t, rng: "/accessibility/",
    "dashboard": lambda s, t, rng: f"/plans/{t['plan']}/dashboard/",
    "plan page": lambda s, t, rng: f"/plans/{t['plan']}/",
    "action page": lambda s, t, rng: f"/actions/{rng.choice(t['actions'])}/",
    "past-meeting dashboard": lambda s, t, rng: "/plans/{}/dashboard/?meeting={}".format(*rng.choice(t["meetings"])),
    "status update POST": status_update,
}


def run(
    base: str,
    targets: list[dict],
    password: str,
    scenario: str,
    clients: int,
    seconds: float,
    think: float = 0.0,
    seed: int = 0,
) -> Result:
    """One bounded run. People (think > 0) each begin after a pause of their own, as people arriving at random do:
    started together, the first requests of all the clients would queue behind each other before any worker took
    them, outside the server's own timing. The warm-up gives another seed than the measured run, so the measured
    requests are not the warm-up's again (the past-meeting dashboards it asks for are not all cached)."""
    result = Result(scenario)
    lock = threading.Lock()
    sessions = []
    for index in range(clients):
        session = Session(base)
        session.sign_in(targets[index % len(targets)]["username"], password)
        sessions.append(session)
    deadline = [0.0]
    start = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        session, target = sessions[index], targets[index % len(targets)]
        rng = random.Random(seed * 1000 + index)  # noqa: S311 - which page to ask for, not a secret
        start.wait()
        if think:
            time.sleep(rng.expovariate(1 / think))
        while time.perf_counter() < deadline[0]:
            try:
                step = SCENARIOS[scenario]
                if scenario == "status update POST":
                    elapsed = step(session, target, rng)
                else:
                    status, _, _, elapsed = session.request("GET", step(session, target, rng))
                    if status != 200:
                        raise RuntimeError(f"{scenario}: {status}")
                with lock:
                    result.latencies.append(elapsed)
                    result.numbered.append((session.last_number, elapsed))
            except Exception as error:  # counted and reported; the run goes on
                with lock:
                    result.errors.append(str(error))
            if think:
                time.sleep(rng.expovariate(1 / think))  # a person reading the page before the next click

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began, result.began = time.perf_counter(), time.time()
    start.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8100")
    parser.add_argument("--targets", required=True, help="JSON written by bench/targets.py")
    parser.add_argument("--password", required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a client's requests (s)")
    parser.add_argument("--scenario", action="append", choices=list(SCENARIOS))
    parser.add_argument("--out", required=True)
    parser.add_argument("--trace", help="also write each timed request's X-Bench-Id and seconds here (JSON lines)")
    parser.add_argument(
        "--before-each", help="a shell command run after each scenario's warm-up, just before its measured run"
    )
    arguments = parser.parse_args()
    with open(arguments.targets) as handle:
        targets = json.load(handle)["councils"]
    summaries = []
    for scenario in arguments.scenario or list(SCENARIOS):
        common = (arguments.base, targets, arguments.password, scenario, arguments.clients)
        run(*common, arguments.warmup, arguments.think, seed=1)
        if arguments.before_each:
            subprocess.run(arguments.before_each, shell=True, check=True)  # noqa: S602 - the operator's own command
        result = run(*common, arguments.seconds, arguments.think, seed=2)
        summaries.append({**result.summary(), "clients": arguments.clients, "think_s": arguments.think})
        if arguments.trace:
            with open(arguments.trace, "a") as trace:
                trace.writelines(json.dumps([scenario, number, seconds]) + "\n" for number, seconds in result.numbered)
        print(json.dumps(summaries[-1]), flush=True)
    with open(arguments.out, "w") as handle:
        json.dump(summaries, handle, indent=2)


if __name__ == "__main__":
    main()
