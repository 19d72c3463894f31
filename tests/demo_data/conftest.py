"""The demo, loaded once for the tests of this package, and how they find what it stored."""

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from guardian.models import GroupObjectPermission, UserObjectPermission
from pytest_django import DjangoDbBlocker

from actions.models import Action
from demo.demo import load_demo
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import Council, DeliveryPlan, Membership
from projects.models import CommissionedProject, OutputTarget

TOWER_HAMLETS = "tower-hamlets"
PEER_REVIEW = "peer-review-2018"
SCRUTINY_REVIEW = "scrutiny-review-2016"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def tower_hamlets_plan(year: str) -> DeliveryPlan:
    return DeliveryPlan.objects.get(council__slug=TOWER_HAMLETS, year=year)


def answered(action: Action) -> list[tuple[str, int]]:
    return sorted((rec.review.slug, rec.number) for rec in action.answers.select_related("review"))


def demo_counts() -> dict[str, int]:
    models = [Council, DeliveryPlan, Objective, Action, CommissionedProject, OutputTarget, Review, Recommendation]
    models += [get_user_model(), Membership, UserObjectPermission, GroupObjectPermission]
    models += [Action.answers.through, CommissionedProject.objectives.through]
    return {model._meta.label: model.objects.count() for model in models}


@pytest.fixture(scope="package")
def demo_loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """load_demo() once for this package, in a transaction rolled back after its last test."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded: None, db: None) -> None:
    """The loaded demo; each test runs in a savepoint of its own, so what it changes is undone."""
