"""People updating RAG statuses through the real app while the database fails under them, and the tally of what
they were told against what the database kept afterwards."""

import re
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from .servers import App

VERSION = re.compile(r'name="version" value="(\d+)"')
RAGS = ["green", "amber", "red"]


@dataclass
class Attempt:
    commentary: str
    rag: str
    status: int  # 302: saved and told so; 0: the connection dropped; anything else: an error page
    seconds: float
    at: float  # time.monotonic() when it ended


@dataclass
class Person:
    """Opens an action's status form, submits an update, and again, until told to stop: the form is opened afresh
    each time, as after a redirect, so it carries the action's current version."""

    app: App
    session: str
    url: str
    name: str
    pause: float = 0.05
    attempts: list[Attempt] = field(default_factory=list)
    opened: list[tuple[int, float, float]] = field(default_factory=list)  # (status, seconds, at) of each form opened
    stop: threading.Event = field(default_factory=threading.Event)
    cookies: dict[str, str] = field(default_factory=dict)

    def sign_in(self) -> None:
        self.cookies = {"sessionid": self.session}
        status, headers, _, _ = self.app.request("GET", self.url, cookies=self.cookies)
        assert status == 200, f"the status form did not open ({status})"
        token = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
        assert token, "no CSRF cookie"
        self.cookies["csrftoken"] = token.group(1)

    def run(self) -> None:
        number, version = 0, ""
        while not self.stop.is_set():
            status, _, page, seconds = self.app.request("GET", self.url, cookies=self.cookies)
            self.opened.append((status, seconds, time.monotonic()))
            found = VERSION.search(page) if status == 200 else None
            # A form that does not open is submitted as it was last seen, as by someone who had it open.
            version = found.group(1) if found else version
            number += 1
            commentary, rag = f"{self.name} update {number}", RAGS[number % 3]
            body = urllib.parse.urlencode(
                {"version": version, "rag": rag, "commentary": commentary}
                | {"as_of_0": "3", "as_of_1": "9", "as_of_2": "2018"}
            )
            status, _, _, seconds = self.app.request("POST", self.url, cookies=self.cookies, body=body)
            self.attempts.append(Attempt(commentary, rag, status, seconds, time.monotonic()))
            time.sleep(self.pause)


class Crowd:
    """Several people at once, each on an action of their own."""

    def __init__(self, app: App, world: dict, *, label: str, first_action: int = 0, people: int = 2) -> None:
        self.people = [
            Person(app, world["coordinator"], world["actions"][first_action + n]["url"], name=f"{label} person {n}")
            for n in range(people)
        ]
        for person in self.people:
            person.sign_in()
        self.threads = [threading.Thread(target=p.run, daemon=True) for p in self.people]

    def __enter__(self) -> "Crowd":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for person in self.people:
            person.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    @property
    def attempts(self) -> list[Attempt]:
        return sorted((a for p in self.people for a in p.attempts), key=lambda a: a.at)

    def acknowledged_since(self, moment: float) -> int:
        return sum(1 for a in self.attempts if a.status == 302 and a.at > moment)

    def wait_for(self, count: int, *, since: float, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self.acknowledged_since(since) < count:
            assert time.monotonic() < deadline, f"fewer than {count} updates saved in {seconds} s"
            time.sleep(0.05)


@dataclass
class Tally:
    acknowledged: int
    lost: int  # told "saved" and not there: must be 0
    refused: int  # an error page or a dropped connection
    kept_unacknowledged: int  # an error for the person, but committed (the answer was lost, not the update)
    duplicated: int
    slowest_failure: float

    def __str__(self) -> str:
        return (
            f"{self.acknowledged} acknowledged, {self.lost} lost, {self.refused} refused "
            f"({self.kept_unacknowledged} of them kept), slowest failure {self.slowest_failure:.2f} s"
        )


def tally(attempts: list[Attempt], updates: dict) -> Tally:
    """Compare what each person was told with the status updates the database holds after the fault."""
    kept: dict[str, int] = {}
    for action in updates.values():
        for commentary, _ in action["commentaries"]:
            kept[commentary] = kept.get(commentary, 0) + 1
    ours = list(attempts)
    acknowledged = [a for a in ours if a.status == 302]
    refused = [a for a in ours if a.status != 302]
    return Tally(
        acknowledged=len(acknowledged),
        lost=sum(1 for a in acknowledged if a.commentary not in kept),
        refused=len(refused),
        kept_unacknowledged=sum(1 for a in refused if a.commentary in kept),
        duplicated=sum(1 for a in ours if kept.get(a.commentary, 0) > 1),
        slowest_failure=max((a.seconds for a in refused), default=0.0),
    )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
