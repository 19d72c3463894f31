"""A verification started in working hours works for a share of the time only, leaving the rest to the pages."""

import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from config.environment import env_share
from core import jobs
from core.models import Job


class Clock:
    """Stands in for the time module: monotonic time moves only when the test works or the code sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.pauses: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


class Pauses(list):
    """Stands in for the time module with the real clock, noting each pause instead of taking it."""

    monotonic = staticmethod(time.monotonic)

    def sleep(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(jobs, "time", clock)
    return clock


@pytest.mark.parametrize(("share", "pause"), [(1.0, None), (0.5, 3.0), (0.25, 9.0)])
def test_after_each_report_the_work_pauses_for_the_rest_of_its_share(clock, share, pause):
    progress = jobs.Progress(None, unit="entries", share=share)
    clock.now += 3.0  # three seconds of work before the first report
    progress(100, 1000)
    assert clock.pauses == ([] if pause is None else [pause])
    clock.now += 1.0  # the pause is not counted as work: the next is for this one second alone
    progress(200, 1000)
    assert clock.pauses[1:] == ([] if pause is None else [pause / 3])
    assert progress.paused == sum(clock.pauses)


def test_a_long_stretch_between_reports_pauses_no_longer_than_the_cap(clock):
    progress = jobs.Progress(None, unit="entries", share=0.1)
    clock.now += 600.0
    progress(1, None)
    assert clock.pauses == [jobs.MAX_PAUSE_SECONDS]


@pytest.mark.parametrize("share", [0, -0.5, 1.5])
def test_a_share_outside_zero_to_one_is_refused(share):
    with pytest.raises(ValueError):
        jobs.Progress(None, unit="entries", share=share)


@pytest.mark.parametrize("value", ["0", "2", "half", "-1"])
def test_a_mistyped_share_in_the_environment_is_refused(monkeypatch, value):
    monkeypatch.setenv("VERIFICATION_WORK_SHARE", value)
    with pytest.raises(ImproperlyConfigured, match="VERIFICATION_WORK_SHARE must be a number more than 0"):
        env_share("VERIFICATION_WORK_SHARE", 0.5)
    monkeypatch.setenv("VERIFICATION_WORK_SHARE", "0.3")
    assert env_share("VERIFICATION_WORK_SHARE", 0.5) == 0.3


def test_the_auditors_verification_pauses_for_its_share_and_still_finishes_intact(
    world, auditor, signed_in, django_capture_on_commit_callbacks, worker, settings, monkeypatch
):
    settings.VERIFICATION_WORK_SHARE = 0.5
    pauses = Pauses()
    monkeypatch.setattr(jobs, "time", pauses)  # the pacing's own clock only: nothing else in the process stops sleeping
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(auditor).post(reverse("plans:audit"))
    (ran,) = worker()
    job = Job.objects.get()
    assert ran.status == "SUCCESSFUL" and (job.status, job.intact) == (Job.Status.DONE, True)
    # A pause after each report: the chain's entries, the live rows and each further check.
    assert len(pauses) >= 3 and all(pause >= 0 for pause in pauses)
