"""Small builders for test data. Each returns a saved object; keyword arguments override the defaults."""

import itertools
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from guardian.shortcuts import assign_perm

from actions.models import Action, StatusUpdate
from core.timescale import due_date_from_timescale
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import Council, DeliveryPlan, Membership, Role
from projects.models import CommissionedProject, OutputTarget, ProjectStatusUpdate

PASSWORD = "a-long-test-password-2026"
_sequence = itertools.count(1)


def make_user(username: str | None = None, **fields: Any) -> AbstractBaseUser:
    username = username or f"user{next(_sequence)}"
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)


def make_council(**fields: Any) -> Council:
    number = next(_sequence)
    fields.setdefault("slug", f"council-{number}")
    fields.setdefault("name", f"Test Borough {number}")
    return Council.objects.create(**fields)


def make_member(user: AbstractBaseUser, council: Council, role: Role) -> Membership:
    return Membership.objects.create(user=user, council=council, role=role)


def make_plan(council: Council, **fields: Any) -> DeliveryPlan:
    fields.setdefault("year", "2018-19")
    fields.setdefault("status", DeliveryPlan.Status.ACTIVE)
    fields.setdefault("introduction", "An introduction. [[withheld: A sensitive passage.]] More text.")
    return DeliveryPlan.objects.create(council=council, **fields)


def make_objective(plan: DeliveryPlan, **fields: Any) -> Objective:
    fields.setdefault("number", plan.objectives.count() + 1)
    fields.setdefault("title", f"Objective title {next(_sequence)}")
    return Objective.objects.create(plan=plan, **fields)


def make_action(objective: Objective, **fields: Any) -> Action:
    plan = objective.plan
    count = plan.actions.filter(objective=objective).count()
    fields.setdefault("reference", f"{objective.number}.{count + 1}")
    fields.setdefault("position", plan.actions.count() + 1)
    fields.setdefault("title", f"Action title {next(_sequence)}")
    fields.setdefault("outcomes", "An outcome")
    fields.setdefault("outputs", "First output\nSecond output")
    fields.setdefault("timescale", "March 2019")
    fields.setdefault("due_date", due_date_from_timescale(fields["timescale"]))
    fields.setdefault("lead", "Prevent Co-ordinator")
    fields.setdefault("lead_agency", "Test Borough Council")
    return Action.objects.create(plan=plan, objective=objective, **fields)


def make_project(plan: DeliveryPlan, **fields: Any) -> CommissionedProject:
    fields.setdefault("name", f"Project {next(_sequence)}")
    fields.setdefault("provider", "A provider")
    fields.setdefault("timescale", "March 2019")
    project = CommissionedProject.objects.create(plan=plan, **fields)
    OutputTarget.objects.create(project=project, description="300 Workshops", target=300)
    return project


def make_review(council: Council, **fields: Any) -> Review:
    fields.setdefault("slug", f"review-{next(_sequence)}")
    fields.setdefault("kind", Review.Kind.PEER_REVIEW)
    fields.setdefault("title", "Peer Review 2018")
    fields.setdefault("date", "2018-02-01")
    return Review.objects.create(council=council, **fields)


def make_recommendation(review: Review, **fields: Any) -> Recommendation:
    fields.setdefault("number", review.recommendations.count() + 1)
    fields.setdefault("text", f"Recommendation text {next(_sequence)}")
    return Recommendation.objects.create(review=review, **fields)


def make_lead(user: AbstractBaseUser, item: Action | CommissionedProject) -> None:
    """Make the user the lead of an action or project: the object permission the access modules check."""
    app = "actions" if isinstance(item, Action) else "projects"
    assign_perm(f"{app}.update_status", user, item)


def evidenced_updates(
    action: Action, project: CommissionedProject, *, by: AbstractBaseUser, media_root: Path
) -> tuple[StatusUpdate, ProjectStatusUpdate]:
    """A status update with an evidence file on the action and on the project, the files written under
    media_root (the caller points MEDIA_ROOT there): for walks over every URL, evidence downloads included."""
    for folder in ("actions", "projects"):
        (media_root / "evidence" / folder / "x").mkdir(parents=True)
        (media_root / "evidence" / folder / "x" / "minutes.pdf").write_bytes(b"%PDF-1.4 minutes")
    fields = {"rag": "green", "previous_rag": "not_started", "commentary": "ok", "as_of": "2018-09-01"}
    update = StatusUpdate.objects.create(
        action=action, created_by=by, evidence="evidence/actions/x/minutes.pdf", **fields
    )
    project_update = ProjectStatusUpdate.objects.create(
        project=project, created_by=by, evidence="evidence/projects/x/minutes.pdf", **fields
    )
    return update, project_update
