"""Run in the app's own environment (`python -m tests.faults.world WHAT`) against the fault database, printing JSON:
the fault tests' tables, their council, its plan and actions, signed-in sessions, and afterwards what the database
kept and whether the audit record verifies.

A separate process because the fault database is not the test run's: pytest-django's connection never sees it.
"""

import io
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import CommandError, call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from actions.models import Action, StatusUpdate  # noqa: E402
from plans.models import Role  # noqa: E402
from tests import factories as f  # noqa: E402

ACTIONS = 60


def session_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def migrate() -> dict:
    call_command("migrate", "--no-input", verbosity=0)
    return {}


def make() -> dict:
    council = f.make_council(name="Fault Borough")
    plan = f.make_plan(council)
    objective = f.make_objective(plan)
    actions = [f.make_action(objective) for _ in range(ACTIONS)]
    coordinator, auditor = f.make_user(), f.make_user()
    f.make_member(coordinator, council, Role.COORDINATOR)
    f.make_member(auditor, council, Role.AUDITOR)
    return {
        "council": council.pk,
        "actions": [{"pk": a.pk, "url": reverse("actions:update_status", args=[a.pk])} for a in actions],
        "dashboard": reverse("plans:dashboard", args=[plan.pk]),
        "plan": plan.get_absolute_url(),
        "coordinator": session_for(coordinator),
        "auditor": session_for(auditor),
    }


def updates() -> dict:
    """Each action's status updates (commentaries) and its live RAG, for comparing with what was acknowledged."""
    found: dict[str, dict] = {}
    for action in Action.objects.all():
        found[str(action.pk)] = {"rag": action.rag, "version": action.version, "commentaries": []}
    for update in StatusUpdate.objects.order_by("pk"):
        found[str(update.action_id)]["commentaries"].append([update.commentary, update.rag])
    return found


def check() -> dict:
    """What the database kept (`updates`), and whether the audit record verifies: every live row equal to its
    history and the chain whole, so nothing was half-written."""
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return {"updates": updates(), "verified": False, "verification": str(error)}
    return {"updates": updates(), "verified": True, "verification": out.getvalue()[-300:]}


if __name__ == "__main__":
    what, *args = sys.argv[1:]
    print(json.dumps({"migrate": migrate, "make": make, "check": check}[what](*args)))
