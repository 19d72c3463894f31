"""Pick what the load test asks for, and count the SQL queries each request makes on small and large data.

Writes targets.json (for load.py: twenty councils, each with its coordinator, current plan, actions and past Board
meetings) and queries.json (queries per request for each scenario, on the council with the fewest actions in its
current plan and on the one with the most: a count that grows with data size shows as a difference).

    DJANGO_SETTINGS_MODULE=config.settings python bench/prepare.py --out bench/out
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from plans.models import BoardMeeting, DeliveryPlan, Role  # noqa: E402

CLIENTS = 20


def council_target(plan: DeliveryPlan) -> dict:
    today = timezone.localdate()
    meetings = BoardMeeting.objects.filter(plan__council=plan.council, date__lt=today).values_list("plan_id", "pk")
    return {
        "slug": plan.council.slug,
        "username": f"{plan.council.slug}-{Role.COORDINATOR}",
        "plan": plan.pk,
        "actions": list(plan.actions.filter(withdrawn_at__isnull=True).values_list("pk", flat=True)),
        "meetings": [list(pair) for pair in meetings],
    }


def current_plans():
    """The current plan of each generated council (their coordinators are named after the council)."""
    users = get_user_model().objects.filter(username__endswith=f"-{Role.COORDINATOR}", email__endswith=".invalid")
    slugs = [name.removesuffix(f"-{Role.COORDINATOR}") for name in users.values_list("username", flat=True)]
    return (
        DeliveryPlan.objects.filter(council__slug__in=slugs, status=DeliveryPlan.Status.ACTIVE)
        .select_related("council")
        .annotate(size=Count("actions"))
        .order_by("council__slug")
    )


def count_queries(target: dict, password: str) -> dict:
    client = Client()
    # Through the sign-in form: django-axes refuses a sign-in without a request (Client.login() has none).
    credentials = {"username": target["username"], "password": password}
    signing_in = client.post("/accounts/login/", credentials, secure=True)
    if signing_in.status_code != 302:
        raise SystemExit(f"Cannot sign in as {target['username']}")
    action = target["actions"][0]
    plan_id, meeting = target["meetings"][-1]
    pages = {
        "dashboard": f"/plans/{target['plan']}/dashboard/",
        "plan page": f"/plans/{target['plan']}/",
        "action page": f"/actions/{action}/",
        "past-meeting dashboard": f"/plans/{plan_id}/dashboard/?meeting={meeting}",
        # The council's history is written by a background worker now (bench/export.py): the plan's is streamed.
        "history CSV of the plan": f"/plans/{target['plan']}/history.csv",
    }
    counts = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, secure=True)
            if response.streaming:
                b"".join(response.streaming_content)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        counts[name] = len(queries)
    # A real status update, saved through the application like the load test's (so the record stays verifiable).
    form = client.get(f"/actions/{action}/status/", secure=True).content.decode()
    today = timezone.localdate()
    data = {
        "version": re.search(r'name="version" value="(\d+)"', form).group(1),
        "rag": "green",
        "commentary": "Counting the queries of a status update.",
        "as_of_0": today.day,
        "as_of_1": today.month,
        "as_of_2": today.year,
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/actions/{action}/status/", data, secure=True)
    if response.status_code != 302:
        raise SystemExit(f"status update of action {action}: {response.status_code}")
    counts["status update POST"] = len(queries)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--heavy", default="", help="slug of a council generated with a very large history")
    arguments = parser.parse_args()
    password = os.environ["SCALE_PASSWORD"]
    plans = list(current_plans().exclude(council__slug=arguments.heavy))
    if len(plans) < CLIENTS:
        raise SystemExit("Generate the data first (python -m bench.generate)")
    step = len(plans) // CLIENTS
    chosen = [council_target(plan) for plan in plans[::step][:CLIENTS]]
    arguments.out.mkdir(parents=True, exist_ok=True)
    (arguments.out / "targets.json").write_text(json.dumps({"councils": chosen}, indent=1))
    smallest, largest = min(plans, key=lambda p: p.size), max(plans, key=lambda p: p.size)
    queries = {
        f"smallest current plan ({smallest.size} actions)": count_queries(council_target(smallest), password),
        f"largest current plan ({largest.size} actions)": count_queries(council_target(largest), password),
    }
    if arguments.heavy:
        heavy = DeliveryPlan.objects.filter(council__slug=arguments.heavy, status=DeliveryPlan.Status.ACTIVE)
        plan = heavy.annotate(size=Count("actions")).get()
        queries[f"heavy council's current plan ({plan.size} actions)"] = count_queries(council_target(plan), password)
    (arguments.out / "queries.json").write_text(json.dumps(queries, indent=1))
    print(json.dumps(queries, indent=1))


if __name__ == "__main__":
    main()
