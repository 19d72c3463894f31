"""Load the demo data: the Tower Hamlets plans and reviews transcribed in demo_data/, and the demo accounts.

Loading is idempotent: a council, plan or review already present is left as it is (with any changes people
made to it), and a demo account that exists keeps its password. Each document is recorded as at the start of the
year it is for (the story file's `recorded`), so the history begins then, not when load_demo ran; with `story`, the
illustrative year of the 2018-19 plan is then played on top (plans/demo_story.py).
"""

from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model

from actions.models import Action
from core import audit
from core.access import leads_of, set_leads
from core.rag import RAG
from core.timescale import due_date_from_timescale
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import Council, DeliveryPlan, Membership, Role
from projects.models import CommissionedProject, OutputTarget

from .demo_board import BOARD_FILES, load_board
from .demo_story import STORY_FILE, clock_at, load_story, moment, read_story, set_demo_password

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
REVIEW_FILES = ["peer-review-2018.yaml", "scrutiny-review-2016.yaml"]
PLAN_FILES = ["tower-hamlets-2017-18.yaml", "tower-hamlets-2018-19.yaml", "example-borough-2018-19.yaml"]

# (username, council slug, role); None as role: no council role.
DEMO_ACCOUNTS: list[tuple[str, str | None, Role | None]] = [
    ("coordinator", "tower-hamlets", Role.COORDINATOR),
    ("education-lead", None, None),
    ("board", "tower-hamlets", Role.BOARD),
    ("auditor", "tower-hamlets", Role.AUDITOR),
    ("admin", None, None),
    ("example-coordinator", "example-borough", Role.COORDINATOR),
]
# The Prevent Education Officer leads these 2018-19 actions (Objective 1, education).
EDUCATION_LEAD_ACTIONS = ("tower-hamlets", "2018-19", "Prevent Education Officer")


def read(name: str) -> Any:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def lines(items: list[str] | str | None) -> str:
    if not items:
        return ""
    if isinstance(items, str):
        return items.strip()
    return "\n".join(str(item).strip() for item in items)


def load_councils() -> dict[str, Council]:
    councils = {}
    for entry in read("councils.yaml"):
        council, _ = Council.objects.get_or_create(slug=entry["slug"], defaults={"name": entry["name"]})
        councils[council.slug] = council
    return councils


def load_review(data: dict[str, Any], councils: dict[str, Council]) -> bool:
    council = councils[data["council"]]
    if Review.objects.filter(council=council, slug=data["slug"]).exists():
        return False
    review = Review.objects.create(
        council=council,
        slug=data["slug"],
        kind=data["kind"],
        title=data["title"],
        date=data.get("date"),
        date_precision=data.get("date_precision") or Review.DatePrecision.DAY,
        summary=lines(data.get("summary")),
        areas=lines(data.get("areas")),
        key_findings=lines(data.get("key_findings")),
    )
    for rec in data["recommendations"]:
        Recommendation.objects.create(
            review=review,
            number=rec["number"],
            theme=rec.get("theme") or "",
            text=lines(rec["text"]),
            owner=rec.get("owner") or "",
        )
    return True


def find_recommendation(council: Council, citation: str) -> Recommendation:
    slug, number = citation.split("#")
    return Recommendation.objects.get(review__council=council, review__slug=slug, number=int(number))


def load_plan(data: dict[str, Any], councils: dict[str, Council]) -> bool:
    council = councils[data["council"]]
    if DeliveryPlan.objects.filter(council=council, year=data["year"]).exists():
        return False
    plan = DeliveryPlan.objects.create(
        council=council,
        year=data["year"],
        status=data.get("status", DeliveryPlan.Status.ACTIVE),
        introduction=lines(data.get("introduction")),
        local_context=lines(data.get("local_context")),
        rag_column=data.get("rag_column", True),
    )
    objectives = {}
    for entry in data["objectives"]:
        objectives[entry["number"]] = Objective.objects.create(
            plan=plan, number=entry["number"], title=lines(entry["title"]), description=entry.get("description", "")
        )
    for position, entry in enumerate(data.get("projects") or [], start=1):
        project = CommissionedProject.objects.create(
            plan=plan,
            position=position,
            name=entry["name"],
            provider=entry.get("provider") or "",
            description=lines(entry.get("description")),
            outcomes=lines(entry.get("outcomes")),
            lead=entry.get("lead") or "",
            funding_source=entry.get("funding_source") or "",
            amount=entry.get("amount"),
            timescale=entry.get("timescale") or "",
            unheaded_column=entry.get("unheaded_column") or "",
            due_date=due_date_from_timescale(entry.get("timescale") or ""),
            rag=entry.get("rag") or data.get("rag") or RAG.NOT_STARTED,
            withheld_fields=entry.get("withheld") or [],
        )
        project.objectives.set([objectives[number] for number in entry.get("objectives") or []])
        for output_position, output in enumerate(entry.get("outputs") or [], start=1):
            OutputTarget.objects.create(
                project=project, position=output_position, description=output["text"], target=output.get("target")
            )
    for position, entry in enumerate(data["actions"], start=1):
        action = Action.objects.create(
            plan=plan,
            objective=objectives[entry["objective"]] if entry.get("objective") else None,
            reference=entry["ref"],
            position=position,
            section=entry.get("section") or "",
            title=lines(entry["title"]),
            outcomes=lines(entry.get("outcomes")),
            outputs=lines(entry.get("outputs")),
            timescale=entry.get("timescale") or "",
            due_date=due_date_from_timescale(entry.get("timescale") or ""),
            lead=entry.get("lead") or "",
            lead_agency=entry.get("lead_agency") or "",
            rag=entry.get("rag") or data.get("rag") or RAG.NOT_STARTED,
            withheld_fields=entry.get("withheld") or [],
        )
        action.answers.set([find_recommendation(council, citation) for citation in entry.get("answers") or []])
    return True


def load_accounts(councils: dict[str, Council]) -> None:
    User = get_user_model()
    for username, council_slug, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org", "first_name": username}
        )
        if created:
            set_demo_password(user)
            if username == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
        if role is not None:
            Membership.objects.get_or_create(user=user, council=councils[council_slug], role=role)
    council_slug, year, lead = EDUCATION_LEAD_ACTIONS
    lead_user = User.objects.get(username="education-lead")
    for action in Action.objects.filter(
        plan__council__slug=council_slug, plan__year=year, objective__number=1, lead__startswith=lead
    ):
        set_leads(action, {*leads_of(action), lead_user})


def load_demo(*, story: bool = False) -> list[str]:
    """Load whatever of the demo is missing, each document dated when it was entered; with `story`, play the
    illustrative year too (what `manage.py load_demo` does). Returns what was loaded, for the command to report."""
    recorded = {name: moment(when) for name, when in read_story()["recorded"].items()}
    loaded = []
    with clock_at(min(recorded.values())), audit.chained():
        councils = load_councils()
    steps = [(name, load_review) for name in REVIEW_FILES] + [(name, load_plan) for name in PLAN_FILES]
    steps += [(name, load_board) for name in BOARD_FILES]
    for name, load in sorted(steps, key=lambda step: recorded.get(step[0], recorded["accounts"])):
        with clock_at(recorded.get(name)), audit.chained():
            if load(read(name), councils):
                loaded.append(name)
    with clock_at(recorded["accounts"]), audit.chained():
        load_accounts(councils)
    if story and load_story():
        loaded.append(STORY_FILE)
    return loaded


def demo_sign_ins() -> list[tuple[str, str]]:
    return [
        ("coordinator", "Tower Hamlets Prevent coordinator: keeps the plans, updates any RAG status"),
        ("education-lead", "Prevent Education Officer: updates only the Objective 1 education actions of 2018-19"),
        ("board", "Tower Hamlets Programme Board member: reads plans and dashboards"),
        ("auditor", "Tower Hamlets auditor: reads plans and history, exports"),
        ("admin", "Administrator: Django admin at /admin/ (roles, users, leads)"),
        ("example-coordinator", "Coordinator of the fictional Example Borough: sees nothing of Tower Hamlets"),
    ] + [
        (lead["username"], f"{lead['role']} (illustrative): reports on the 2018-19 items that role leads")
        for lead in read_story()["leads"]
        if lead["username"] not in {"coordinator", "education-lead"}
    ]
