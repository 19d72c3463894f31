"""What an import will do to a plan, shown before anything is written; then doing it, all of it or nothing.

Rows are matched to the plan's actions by reference: a new reference creates an action, a known one changes the
action field by field through the same services as the edit form and the status update form, so history and the
audit record show an import's changes as they show any edit.
"""

import datetime
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from actions import services as action_services
from actions.models import Action
from core import audit
from core.access import leads_of
from core.limits import length_message, year_message
from core.rag import RAG
from core.timescale import due_date_from_timescale
from core.versioning import create_recorded
from objectives.models import Objective
from peer_review.recommendation_refs import EXAMPLE, RecommendationFinder, answers_cell
from plans.models import STAGED_IMPORT_HOURS, DeliveryPlan, StagedImport
from snapshots.plan_columns import (
    AS_OF_COLUMN,
    LEAD_AGENCY_COLUMN,
    RECOMMENDATIONS_COLUMN,
    WITHHELD_COLUMN,
    withheld_cell,
)

from . import import_reading as reading
from . import imports

IMPORTED_COMMENTARY = "Imported with the plan"
NO_DUE_DATE = "No due date could be read for these actions: they will never show as overdue"
NOT_IN_FILE = "These actions of the plan are not in the file: the import leaves them as they are"
LEAD_AGENCY_LIMIT = Action._meta.get_field("lead_agency").max_length
# The fields a row sets, in the order the preview lists their changes, with the names the preview gives them.
FIELD_LABELS = {
    "placement": "Objective",
    "title": "Action",
    "outcomes": "Outcomes",
    "outputs": "Outputs",
    "timescale": "Timescale",
    "due_date": "Due date",
    "lead": "Lead",
    "lead_agency": "Lead agency",
    "withheld_fields": "Withheld",
    "answers": "Recommendations answered",
}
# A column the file does not have leaves that field of an existing action as it is.
FIELD_COLUMNS = {
    "lead_agency": LEAD_AGENCY_COLUMN,
    "withheld_fields": WITHHELD_COLUMN,
    "answers": RECOMMENDATIONS_COLUMN,
}


class StalePreview(Exception):
    """The plan changed after the preview was shown: what was confirmed is no longer what would be written."""


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class ActionChange:
    row: int
    reference: str
    title: str
    changes: list[Change]


@dataclass
class Notice:
    message: str
    items: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    fingerprint: str
    new_objectives: list[str] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    changed: list[ActionChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    read_columns: list[str] = field(default_factory=list)  # each column read, as the file heads it, and as what

    @property
    def changes_anything(self) -> bool:
        return bool(self.created or self.changed)


def plan_fingerprint(plan: DeliveryPlan) -> str:
    """Every save of the plan, its objectives or its actions (status updates included) bumps a version, so equal
    fingerprints mean the import would do exactly what its preview showed."""
    parts = [f"plan {plan.pk} {DeliveryPlan.objects.values_list('version', flat=True).get(pk=plan.pk)}"]
    for model in (Objective, Action):
        versions = model.objects.filter(plan=plan).order_by("pk").values_list("pk", "version")
        parts.extend(f"{model.__name__} {pk} {version}" for pk, version in versions)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def check_against_plan(*, plan: DeliveryPlan, result: imports.ImportResult) -> RecommendationFinder:
    """The problems of the columns beyond the contract's, and of rows that name an action the plan withdrew."""
    finder = RecommendationFinder(plan.council_id)
    withdrawn = set(plan.actions.filter(withdrawn_at__isnull=False).values_list("reference", flat=True))
    for row in result.rows:
        number = int(row["_row"])
        problems = result.problems
        reference = row["reference"].strip()
        if reference in withdrawn:
            problems.append(
                imports.ImportProblem(
                    number,
                    "reference",
                    f"Action {reference} has been withdrawn from this plan: "
                    "reinstate it, or give the row a new reference",
                )
            )
        _, unknown = finder.read(row[RECOMMENDATIONS_COLUMN])
        if unknown:
            problems.append(
                imports.ImportProblem(
                    number,
                    RECOMMENDATIONS_COLUMN,
                    f"‘{'; '.join(unknown)}’ names no recommendation of this council's reviews; "
                    f"write them like ‘{EXAMPLE}’",
                )
            )
        if len(row[LEAD_AGENCY_COLUMN]) > LEAD_AGENCY_LIMIT:
            problems.append(
                imports.ImportProblem(number, LEAD_AGENCY_COLUMN, length_message("The lead agency", LEAD_AGENCY_LIMIT))
            )
        written = row[AS_OF_COLUMN].strip()
        if written:
            when = reading.date_of(written)
            column = result.heading(AS_OF_COLUMN)
            if when is None:
                message = f"'{written[:60]}' is not a date; enter it like 31/03/2019"
                problems.append(imports.ImportProblem(number, column, message))
            elif when > timezone.localdate():
                message = "The date the update speaks for must be today or in the past"
                problems.append(imports.ImportProblem(number, column, message))
            elif out_of_range := year_message("The date the update speaks for", when.year):
                problems.append(imports.ImportProblem(number, column, out_of_range))
    return finder


def checked(*, plan: DeliveryPlan, result: imports.ImportResult) -> RecommendationFinder | None:
    """Every check of the file against the plan; None when it has problems (listed in `result.problems`)."""
    if result.problems:
        return None
    imports.check(plan, result)
    finder = check_against_plan(plan=plan, result=result)
    return None if result.problems else finder


@dataclass
class _Target:
    """What a row makes of its action."""

    row: dict[str, str]
    objective: tuple[int, str] | None
    fields: dict[str, Any]
    answers: list[Any]
    rag: str
    commentary: str
    as_of: datetime.date | None
    reported: bool


def _target(row: dict[str, str], finder: RecommendationFinder) -> _Target:
    objective = imports.row_objective(row)
    answers, _ = finder.read(row[RECOMMENDATIONS_COLUMN])
    rag = imports.row_rag(row)
    return _Target(
        row=row,
        objective=objective,
        fields={
            "section": imports.row_section(row),
            "reference": row["reference"].strip(),
            "title": row["action"],
            "outcomes": row["outcomes"],
            "outputs": row["outputs"],
            "timescale": row["timescale"].strip(),
            "due_date": due_date_from_timescale(row["timescale"]),
            "lead": row["lead"].strip(),
            "lead_agency": row[LEAD_AGENCY_COLUMN].strip(),
            "withheld_fields": imports.withheld_fields(row[WITHHELD_COLUMN]),
        },
        answers=answers,
        rag=rag,
        commentary=row["commentary"],
        as_of=imports.row_as_of(row),
        # "No status recorded" (or an empty cell) reports nothing: an action's status is never taken back to it.
        reported=rag != RAG.NO_STATUS and bool(row["rag_status"].strip() or row["commentary"].strip()),
    )


def _placement(objective: tuple[int, str] | None, section: str) -> str:
    return f"Objective {objective[0]}: {objective[1]}" if objective else section


def _shown(name: str, value: Any, names: dict[int, str]) -> str:
    if name == "due_date":
        return value.isoformat() if value else "None"
    if name == "withheld_fields":
        return withheld_cell(value) or "Nothing"
    if name == "answers":
        return answers_cell(sorted((rec.review_id, rec.number) for rec in value), names) or "None"
    return value


def _field_changes(action: Action, target: _Target, columns: list[str]) -> dict[str, tuple[Any, Any]]:
    """Each field the row changes: name -> (now, after the import)."""
    current_objective = (action.objective.number, action.objective.title) if action.objective else None
    now = {
        "placement": _placement(current_objective, action.section),
        **{name: getattr(action, name) for name in FIELD_LABELS if name not in {"placement", "answers"}},
        "answers": sorted(action.answers.all(), key=lambda rec: (rec.review_id, rec.number)),
    }
    after = {
        "placement": _placement(target.objective, target.fields["section"]),
        **{name: target.fields[name] for name in FIELD_LABELS if name not in {"placement", "answers"}},
        "answers": sorted(target.answers, key=lambda rec: (rec.review_id, rec.number)),
    }
    return {
        name: (now[name], after[name])
        for name in FIELD_LABELS
        if now[name] != after[name] and FIELD_COLUMNS.get(name, name) in [*columns, name]
    }


def _status_changes(action: Action, target: _Target) -> list[Change]:
    """A row that gives a status different from the action's becomes a status update."""
    if not target.reported:
        return []
    latest = action.status_updates.first()
    commentary = target.commentary or (latest.commentary if latest else IMPORTED_COMMENTARY)
    old = [action.get_rag_display(), latest.commentary if latest else "", latest.as_of if latest else None]
    new = [target.rag.label, commentary, target.as_of or (latest.as_of if latest else timezone.localdate())]
    labels = ["RAG status", "Commentary", "Date the update speaks for"]
    if old == new:
        return []
    return [Change(label, str(o or "None"), str(n)) for label, o, n in zip(labels, old, new, strict=True) if o != n]


def preview_import(*, plan: DeliveryPlan, result: imports.ImportResult, finder: RecommendationFinder) -> ImportPreview:
    """Everything the checked rows would create or change in the plan. Writes nothing."""
    preview = ImportPreview(
        fingerprint=plan_fingerprint(plan),
        ignored_columns=list(result.ignored_columns),
        read_columns=[
            f"“{result.headings[column]}” as {column}" for column in result.columns if column in result.headings
        ],
    )
    actions = {
        action.reference: action
        for action in plan.actions.select_related("objective").prefetch_related("answers", "status_updates")
    }
    numbers = set(plan.objectives.values_list("number", flat=True))
    no_due_date = []
    for row in result.rows:
        target = _target(row, finder)
        if target.objective and target.objective[0] not in numbers:
            numbers.add(target.objective[0])
            preview.new_objectives.append(_placement(target.objective, ""))
        if target.fields["due_date"] is None:
            no_due_date.append(f"{target.fields['reference']} (timescale “{target.fields['timescale']}”)")
        action = actions.get(target.fields["reference"])
        if action is None:
            preview.created.append(
                {
                    **target.fields,
                    "placement": _placement(target.objective, target.fields["section"]),
                    "rag": target.rag,
                }
            )
            continue
        changes = [
            Change(FIELD_LABELS[name], _shown(name, old, finder.names), _shown(name, new, finder.names))
            for name, (old, new) in _field_changes(action, target, result.columns).items()
        ]
        changes += _status_changes(action, target)
        if changes:
            preview.changed.append(ActionChange(int(row["_row"]), action.reference, action.title, changes))
        else:
            preview.unchanged.append(action.reference)
    if no_due_date:
        preview.warnings.append(Notice(NO_DUE_DATE, no_due_date))
    in_file = {row["reference"].strip() for row in result.rows}
    missing = [ref for ref, action in actions.items() if ref not in in_file and not action.is_withdrawn]
    if missing:
        preview.warnings.append(Notice(NOT_IN_FILE, missing))
    preview.warnings.extend(Notice(str(warning)) for warning in result.warnings)
    return preview


@audit.chained()
def import_confirm(
    *,
    plan: DeliveryPlan,
    result: imports.ImportResult,
    finder: RecommendationFinder,
    fingerprint: str,
    by: AbstractBaseUser,
) -> ImportPreview:
    """Write what the preview showed, in one transaction: objectives, then actions in file order with their status
    updates. Raises StalePreview, writing nothing, when the plan changed after the preview was made."""
    DeliveryPlan.objects.select_for_update().get(pk=plan.pk)  # no one else changes the plan meanwhile
    preview = preview_import(plan=plan, result=result, finder=finder)
    if preview.fingerprint != fingerprint:
        raise StalePreview
    objectives = {objective.number: objective for objective in plan.objectives.all()}
    actions = {action.reference: action for action in plan.actions.prefetch_related("answers", "status_updates")}
    for row in result.rows:
        target = _target(row, finder)
        objective = None
        if target.objective:
            number, title = target.objective
            if number not in objectives:
                objectives[number] = create_recorded(Objective, by=by, plan=plan, number=number, title=title)
            objective = objectives[number]
        fields = {**target.fields, "objective": objective}
        action = actions.get(target.fields["reference"])
        if action is None:
            if target.rag == RAG.NO_STATUS:  # a field of the new action: no status update says it
                fields["rag"] = RAG.NO_STATUS
            action = action_services.action_create(plan=plan, fields=fields, answers=target.answers, leads=[], by=by)
            if target.rag != action.rag or target.commentary.strip():
                _report(action, target, by=by)
            continue
        changed = _field_changes(action, target, result.columns)
        if changed:
            names = [
                name
                for name in fields
                if name in changed or (name in {"objective", "section"} and "placement" in changed)
            ]
            keep_answers = "answers" not in changed
            action = action_services.action_change(
                action=action,
                fields={name: fields[name] for name in names},
                answers=list(action.answers.all()) if keep_answers else target.answers,
                leads=leads_of(action),
                by=by,
                expected_version=action.version,
            )
        if _status_changes(action, target):
            _report(action, target, by=by)
    return preview


def _report(action: Action, target: _Target, *, by: AbstractBaseUser) -> None:
    latest = action.status_updates.first()
    action_services.action_update_status(
        action=action,
        rag=target.rag,
        commentary=target.commentary or (latest.commentary if latest else IMPORTED_COMMENTARY),
        as_of=target.as_of or (latest.as_of if latest else timezone.localdate()),
        evidence=None,
        by=by,
        expected_version=Action.objects.values_list("version", flat=True).get(pk=action.pk),
    )


def staged_import_create(*, plan: DeliveryPlan, user: AbstractBaseUser, upload: UploadedFile) -> StagedImport:
    """Keep an uploaded file for its preview and confirmation; the same person's older files for the plan, and
    everyone's expired ones, go."""
    now = timezone.now()
    StagedImport.objects.filter(uploaded_at__lt=now - datetime.timedelta(hours=STAGED_IMPORT_HOURS)).delete()
    StagedImport.objects.filter(plan=plan, user=user).delete()
    upload.seek(0)
    data = upload.read(imports.MAX_BYTES + 1)
    return StagedImport.objects.create(plan=plan, user=user, name=upload.name[:255], data=data, uploaded_at=now)


def staged_rows(staged: StagedImport) -> imports.ImportResult:
    return imports.read_rows(io.BytesIO(bytes(staged.data)), staged.name)
