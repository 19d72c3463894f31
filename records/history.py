"""Every recorded change to a plan or a whole council, one row per changed field, oldest first.

The history pages and the exports read it. A scope is one plan, or every plan the council has had (an auditor's
export of the council's whole record).

The changes are worked out by the database, in one statement, so that a long history costs the database's time and
not Python's per row: each tracked model's history records are paired with the record before them by a window
function (LAG over each object's records in time order, on narrow rows), and each pair is compared by joining both
records by their key; records that change nothing shown are dropped; each one left is unfolded into a row per
changed field by a join with a numbered list of the model's fields. Status updates and lead grants are added as
they are, and the whole is put in time order. Values are made readable in SQL as well
(choice labels, dates, "Yes"/"No", the names of related rows), the same way on PostgreSQL and SQLite: `_Dialect`
holds the few expressions that differ. Python reads the statement through a server-side cursor on PostgreSQL; the
CSV export runs the same statement as `COPY ... TO STDOUT` (`export_copy_sql`).

A status update shows once, as a "Status update" row carrying its commentary: the matching history record of the
action or project (reason "Status update: ...", set only by the status update services, which change nothing else)
repeats only its RAG, so it is left out before any comparison; most records of a long history are of this kind.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils.text import capfirst

from actions.models import Action, StatusUpdate
from core.append_only import history_model, m2m_history_model
from core.cells import FORMULA_START, neutralise
from core.models import HistoricalUserObjectPermission
from core.rag import RAG
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import BoardMeeting, Council, DeliveryPlan
from plans.models_board import ActionArising, BoardMember, MeetingAttendance, ProgrammeBoard
from projects.models import CommissionedProject, OutputTarget, ProjectStatusUpdate

CHUNK = 2000
SYSTEM = "system"
HISTORY_META = {"history_id", "history_date", "history_type", "history_user_id", "history_change_reason"}
# Bookkeeping, not content: the edit counter, when the latest update came, and the parent every row belongs to.
NOT_SHOWN = {
    *("id", "version", "status_updated_at", "plan_id", "council_id", "review_id", "project_id", "slug"),
    *("meeting_id", "board_id"),
}
MONTHS = [datetime.date(2000, month, 1).strftime("%B") for month in range(1, 13)]


class ChangeRow(NamedTuple):
    recorded_at: datetime.datetime  # UTC
    user: str
    council: str
    plan: str
    object_type: str
    object_ref: str
    field: str
    old_value: str
    new_value: str
    comment: str


COLUMNS = list(ChangeRow._fields)  # the export's columns, as DESIGN.md names them
Item = models.Model | tuple[type[models.Model], int]


@dataclass(frozen=True)
class Scope:
    """The plans whose history is read: one plan, or every plan the council has had."""

    council: Council
    years: dict[int, str]  # plan pk: financial year
    whole_council: bool = False

    @classmethod
    def of_plan(cls, plan: DeliveryPlan) -> "Scope":
        return cls(plan.council, {plan.pk: plan.year})

    @classmethod
    def of_council(cls, council: Council) -> "Scope":
        """Every plan the council has had, deleted ones included (their history stays in the record)."""
        records = DeliveryPlan.history.filter(council_id=council.pk).order_by("history_date", "history_id")
        return cls(council, dict(records.values_list("id", "year")), whole_council=True)  # each plan's latest year

    def review_year(self) -> str:
        """Reviews belong to the council: a plan's history shows them under its year, the council's under none."""
        return "" if self.whole_council else next(iter(self.years.values()), "")


class _Params:
    """Parameters by name while the statement is built in pieces; positional (%s) once it is whole."""

    NAME = re.compile(r"%\((p\d+)\)s")

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"%({name})s"

    def many(self, values: Any) -> str:
        return ", ".join(self(value) for value in values)

    def positional(self, sql: str) -> tuple[str, list[Any]]:
        ordered: list[Any] = []

        def take(match: re.Match) -> str:
            ordered.append(self.values[match.group(1)])
            return "%s"

        return self.NAME.sub(take, sql), ordered


class _Dialect:
    """The expressions PostgreSQL and SQLite write differently; the rest of the statement is shared."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def differs(self, new: str, old: str) -> str:
        return f"{new} IS DISTINCT FROM {old}" if self.postgres else f"{new} IS NOT {old}"

    def utc_minute(self, column: str) -> str:
        if self.postgres:
            return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"')"
        return f"strftime('%%Y-%%m-%%d %%H:%%M UTC', {column})"

    def utc_second(self, column: str) -> str:
        """ISO 8601 in UTC, as the exports give recorded_at."""
        if self.postgres:  # the time as text with a "T" for its space: half what to_char costs
            return f"replace(CAST(date_trunc('second', {column} AT TIME ZONE 'UTC') AS text), ' ', 'T') || 'Z'"
        return f"strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', {column})"

    def iso_date(self, column: str) -> str:
        return f"to_char({column}, 'YYYY-MM-DD')" if self.postgres else column

    def long_date(self, column: str) -> str:
        """For example 5 March 2019."""
        if self.postgres:
            return f"to_char({column}, 'FMDD FMMonth YYYY')"
        months = " ".join(f"WHEN '{number:02}' THEN '{name}'" for number, name in enumerate(MONTHS, start=1))
        return (
            f"CAST(CAST(strftime('%%d', {column}) AS integer) AS text) || ' ' || "
            f"CASE strftime('%%m', {column}) {months} END || ' ' || strftime('%%Y', {column})"
        )

    def decimal(self, column: str) -> str:
        return f"CAST(round({column}, 2) AS text)" if self.postgres else f"printf('%%.2f', {column})"

    def json_list(self, column: str) -> str:
        """A JSON list of strings as "a, b"."""
        if self.postgres:
            return (
                "(SELECT string_agg(item, ', ' ORDER BY position) "
                f"FROM jsonb_array_elements_text({column}) WITH ORDINALITY AS items(item, position))"
            )
        return f"(SELECT group_concat(value, ', ') FROM (SELECT value FROM json_each({column}) ORDER BY key))"

    def json_empty(self, column: str) -> str:
        return f"jsonb_array_length({column}) = 0" if self.postgres else f"json_array_length({column}) = 0"

    def joined(self, value: str, source: str, separator: str, group: str | None = None) -> str:
        """`SELECT [group,] joined FROM source [GROUP BY group]`: the values joined in their order."""
        by = f" GROUP BY {group}" if group else ""
        if self.postgres:
            keys = f"{group}, " if group else ""
            return f"SELECT {keys}string_agg({value}, '{separator}' ORDER BY {value}) AS joined FROM {source}{by}"
        keys = f"{group}, " if group else ""
        ordered = f"SELECT {keys}{value} AS value FROM {source} ORDER BY {keys}{value}"
        return f"SELECT {keys}group_concat(value, '{separator}') AS joined FROM ({ordered}){by}"

    def record_before(self, table: str, key: str) -> str:
        """A join to the record before (alias `previous`), looked up by its key row by row.

        PostgreSQL would otherwise read and hash the whole history table to find a few per cent of it.
        """
        if self.postgres:
            return f"LEFT JOIN LATERAL (SELECT * FROM {table} r WHERE r.history_id = {key}) previous ON true"
        return f"LEFT JOIN {table} previous ON previous.history_id = {key}"

    def planned_alone(self, sql: str) -> str:
        """The subquery planned on its own (PostgreSQL would otherwise join the rest into it, multiplying lookups)."""
        return f"{sql} OFFSET 0" if self.postgres else sql

    def inert(self, column: str) -> str:
        """The value with a leading single quote when a spreadsheet would run it as a formula."""
        # The first character's code: comparing integers costs a quarter of taking a substring.
        starts = ", ".join(str(ord(c)) for c in FORMULA_START)
        first = f"ascii({column})" if self.postgres else f"unicode({column})"
        return f"CASE WHEN {first} IN ({starts}) THEN '''' || {column} ELSE {column} END"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[models.Model]) -> str:
    return _q(model._meta.db_table)


def _history_table(model: type[models.Model]) -> str:
    return _table(history_model(model))


def _latest(model: type[models.Model], column: str, pk: str) -> str:
    """The newest recorded value of one column of one object, whatever has happened to it since."""
    return (
        f"(SELECT latest.{_q(column)} FROM {_history_table(model)} latest WHERE latest.id = {pk} "
        f"ORDER BY latest.history_date DESC, latest.history_id DESC LIMIT 1)"
    )


def _objective_label(pk: str) -> str:
    return f"'Objective ' || CAST({_latest(Objective, 'number', pk)} AS text)"


def _recommendation_label(pk: str) -> str:
    review = _latest(Recommendation, "review_id", pk)
    number = _latest(Recommendation, "number", pk)
    return f"COALESCE({_latest(Review, 'title', review)}, 'Review') || ', recommendation ' || CAST({number} AS text)"


def _carried_label(pk: str) -> str:
    return (
        f"(SELECT carried.reference || ' (' || carried_plan.year || ')' FROM {_table(Action)} carried "
        f"JOIN {_table(DeliveryPlan)} carried_plan ON carried_plan.id = carried.plan_id WHERE carried.id = {pk})"
    )


def _choice_text(column: str, choices: Iterable[tuple[Any, Any]], p: "_Params") -> str:
    """A choice field's value as its label (the value itself when it is not one of the choices)."""
    whens = " ".join(f"WHEN {p(str(key))} THEN {p(str(label))}" for key, label in choices)
    return f"CASE CAST({column} AS text) {whens} ELSE CAST({column} AS text) END"


def _text(column: str) -> str:
    return column


def _null(column: str) -> str:
    return f"{column} IS NULL"


def _blank(column: str) -> str:
    return f"({column} IS NULL OR {column} = '')"


@dataclass
class _Field:
    """One shown field: its column, its name in the history, how a value reads, and when a new value says nothing."""

    column: str
    name: str
    text: Callable[[str], str]
    empty: Callable[[str], str] = _null


def _fields(model: type[models.Model], d: "_Dialect", p: _Params) -> list[_Field]:
    shown = []
    for history_field in history_model(model)._meta.concrete_fields:
        column = history_field.attname
        if column in HISTORY_META or column in NOT_SHOWN:
            continue
        live = model._meta.get_field(history_field.name)
        name = capfirst(str(live.verbose_name))
        if live.choices:

            def choice(c: str, choices: list = live.flatchoices) -> str:
                return _choice_text(c, choices, p)

            shown.append(_Field(column, name, choice, _blank))
        elif column == "objective_id":
            shown.append(_Field(column, name, _objective_label))
        elif column == "carried_from_id":
            shown.append(_Field(column, name, _carried_label))
        elif isinstance(live, models.BooleanField):
            shown.append(
                _Field(column, name, lambda c: f"CASE WHEN {c} THEN 'Yes' ELSE 'No' END", lambda c: f"NOT {c}")
            )
        elif isinstance(live, models.DateTimeField):
            shown.append(_Field(column, name, d.utc_minute))
        elif isinstance(live, models.DateField):
            shown.append(_Field(column, name, d.iso_date))
        elif isinstance(live, models.DecimalField):
            shown.append(_Field(column, name, d.decimal))
        elif isinstance(live, models.JSONField):
            shown.append(_Field(column, name, d.json_list, d.json_empty))
        elif isinstance(live, models.CharField | models.TextField):
            shown.append(_Field(column, name, _text, _blank))
        else:
            shown.append(_Field(column, name, lambda c: f"CAST({c} AS text)"))
    return shown


@dataclass
class _Source:
    """One tracked model's history within the scope: which records, and how its rows are named.

    `ref` and `year` are SQL over the record (alias `c`); `where` is SQL over the history table (alias `h`).
    """

    model: type[models.Model]
    object_type: str
    ref: str
    where: str
    year: str
    m2m: str | None = None  # the many-to-many field whose sets are compared too


@dataclass
class _M2M:
    table: str
    target: str
    name: str
    label: Callable[[str], str]


def _m2m(model: type[models.Model], name: str) -> _M2M:
    m2m_model = m2m_history_model(history_model(model))
    live = model._meta.get_field(name)
    target = next(
        f.attname for f in m2m_model._meta.concrete_fields if f.is_relation and f.related_model is live.related_model
    )
    label = _recommendation_label if live.related_model is Recommendation else _objective_label
    return _M2M(_table(m2m_model), _q(target), capfirst(str(live.verbose_name)), label)


@dataclass
class _Statement:
    """The statement for one scope, built piece by piece with its parameters."""

    scope: Scope
    d: _Dialect = field(default_factory=_Dialect)
    p: _Params = field(default_factory=_Params)

    def year(self, column: str) -> str:
        if not self.scope.years:
            return "''"
        whens = " ".join(f"WHEN {self.p(pk)} THEN {self.p(year)}" for pk, year in self.scope.years.items())
        return f"CASE {column} {whens} ELSE '' END"

    def in_plans(self, column: str) -> str:
        return f"{column} IN ({self.p.many(self.scope.years)})" if self.scope.years else "1 = 0"

    def sources(self, only: type[models.Model] | None, pk: int | None) -> list[_Source]:
        """The tracked models, each with the records that belong to the scope (the council's, for reviews)."""
        by_plan = self.in_plans("h.plan_id")
        projects = f"h.project_id IN (SELECT h.id FROM {_history_table(CommissionedProject)} h WHERE {by_plan})"
        council = self.p(self.scope.council.pk)
        reviews = f"h.review_id IN (SELECT id FROM {_history_table(Review)} WHERE council_id = {council})"
        review_year = self.p(self.scope.review_year())
        plan_year = self.year("c.plan_id")
        project_name = f"COALESCE({_latest(CommissionedProject, 'name', 'c.project_id')}, '')"
        project_year = self.year(_latest(CommissionedProject, "plan_id", "c.project_id"))
        meetings = f"h.meeting_id IN (SELECT h.id FROM {_history_table(BoardMeeting)} h WHERE {by_plan})"
        meeting_date = self.d.long_date(_latest(BoardMeeting, "date", "c.meeting_id"))
        meeting_year = self.year(_latest(BoardMeeting, "plan_id", "c.meeting_id"))
        boards = f"h.board_id IN (SELECT id FROM {_history_table(ProgrammeBoard)} WHERE council_id = {council})"
        sources = [
            _Source(DeliveryPlan, "Plan", f"'Prevent Delivery Plan ' || {self.year('c.id')}",
                    self.in_plans("h.id"), self.year("c.id")),
            _Source(Objective, "Objective", "'Objective ' || CAST(c.number AS text)", by_plan, plan_year),
            _Source(Action, "Action", "c.reference", by_plan, plan_year, m2m="answers"),
            _Source(CommissionedProject, "Project", "c.name", by_plan, plan_year, m2m="objectives"),
            _Source(OutputTarget, "Output target", f"{project_name} || ': ' || c.description", projects,
                    project_year),
            _Source(BoardMeeting, "Board meeting", self.d.long_date("c.date"), by_plan, plan_year),
            _Source(MeetingAttendance, "Board meeting attendance", f"{meeting_date} || ': ' || c.name", meetings,
                    meeting_year),
            _Source(ActionArising, "Action arising", f"{meeting_date} || ': ' || c.owner", meetings, meeting_year),
            _Source(ProgrammeBoard, "Programme Board", "c.name", f"h.council_id = {council}", review_year),
            _Source(BoardMember, "Board member", "c.agency", boards, review_year),
            _Source(Review, "Review", "c.title", f"h.council_id = {council}", review_year),
            _Source(Recommendation, "Recommendation", _recommendation_label("c.id"), reviews, review_year),
        ]  # fmt: skip
        kept = []
        for source in sources:
            if only is None:
                kept.append(source)
            elif source.model is only:
                source.where = f"{source.where} AND h.id = {self.p(pk)}"
                kept.append(source)
            elif source.model is OutputTarget and only is CommissionedProject:
                source.where = f"h.project_id = {self.p(pk)}"  # a project's history includes its output targets
                kept.append(source)
            elif source.model in (MeetingAttendance, ActionArising) and only is BoardMeeting:
                source.where = f"h.meeting_id = {self.p(pk)}"  # a meeting's history includes what it recorded
                kept.append(source)
        return kept

    def history(self, source: _Source, rank: int, until: datetime.datetime | None) -> str:
        """One model's changed fields, a row each."""
        d, p = self.d, self.p
        fields = _fields(source.model, d, p)
        where = source.where + (f" AND h.history_date <= {p(until)}" if until is not None else "")
        m2m = _m2m(source.model, source.m2m) if source.m2m else None
        table = _history_table(source.model)
        # Each record's place among its object's records, over narrow rows: a status update's record changes only
        # the RAG, which the status update's own row shows, so its record is compared with nothing and left out;
        # any other record is compared with the one just before it, whatever that one was.
        order = (
            f"SELECT h.history_id, h.history_type, LAG(h.history_id) OVER w AS previous_id, "
            f"LAG(h.history_type) OVER w AS previous_type, "
            f"CASE WHEN COALESCE(h.history_change_reason, '') LIKE 'Status update%%' THEN 1 ELSE 0 END "
            f"AS by_status_update "
            f"FROM {table} h WHERE {where} "
            f"WINDOW w AS (PARTITION BY h.id ORDER BY h.history_date, h.history_id)"
        )
        m2m_columns = ""
        if m2m is not None:

            def targets(history_id: str) -> str:
                listed = d.joined(
                    f"CAST(t.{m2m.target} AS text)", f"{m2m.table} t WHERE t.history_id = {history_id}", ","
                )
                return f"COALESCE(({listed}), '')"

            m2m_columns = f", {targets('h.history_id')} AS m2m, {targets('o.previous_id')} AS m2m__old"
            fields.append(_Field("m2m", m2m.name, _text, _blank))
        history_columns = {f.attname for f in history_model(source.model)._meta.concrete_fields}
        needed = ["id", *sorted(HISTORY_META), *(f.column for f in fields if f.column != "m2m")]
        needed += [name for name in ("plan_id", "project_id", "meeting_id") if name in history_columns]
        selected = ", ".join(f"h.{_q(name)}" for name in dict.fromkeys(needed))
        olds = "".join(f", previous.{_q(f.column)} AS {_q(f.column + '__old')}" for f in fields if f.column != "m2m")
        records = (
            f"SELECT {selected}{m2m_columns}, o.previous_type, o.previous_id{olds} "
            f"FROM ({order}) o JOIN {table} h ON h.history_id = o.history_id "
            f"{d.record_before(table, 'o.previous_id')} WHERE o.by_status_update = 0"
        )
        fresh = "(c.previous_type IS NULL OR c.previous_type = '-')"

        def changed(f: _Field) -> str:
            new, old = f"c.{_q(f.column)}", f"c.{_q(f.column + '__old')}"
            return f"CASE WHEN {fresh} THEN NOT {f.empty(new)} ELSE {d.differs(new, old)} END"

        any_change = " OR ".join(changed(f) for f in fields)
        changed_records = d.planned_alone(f"SELECT * FROM ({records}) c WHERE c.history_type = '-' OR {any_change}")
        numbered = " UNION ALL ".join(
            f"SELECT {n} AS n, {p(f.name if f else '')} AS name" for n, f in enumerate([None, *fields])
        )
        which = " ".join(f"WHEN {n} THEN c.history_type <> '-' AND {changed(f)}" for n, f in enumerate(fields, 1))

        def names(history_id: str) -> str:
            labels = (
                f"(SELECT {m2m.label('t.' + m2m.target)} AS label FROM {m2m.table} t WHERE t.history_id = {history_id})"
            )
            return f"COALESCE(({d.joined('label', labels + ' labels', '; ')}), '')"

        def value(old: bool) -> str:
            whens = []
            for n, f in enumerate(fields, 1):
                if f.column == "m2m":
                    text = names("c.previous_id" if old else "c.history_id")
                else:
                    text = f"COALESCE({f.text('c.' + _q(f.column + ('__old' if old else '')))}, '')"
                whens.append(f"WHEN {n} THEN {text}")
            return f"CASE fields.n {' '.join(whens)} ELSE '' END"

        old_value = f"CASE WHEN fields.n = 0 OR {fresh} THEN '' ELSE {value(old=True)} END"
        new_value = f"CASE WHEN fields.n = 0 THEN 'deleted' ELSE {value(old=False)} END"
        return (
            f"SELECT c.history_date AS recorded_at, COALESCE(u.username, '{SYSTEM}') AS username, "
            f"{source.year} AS plan, {p(source.object_type)} AS object_type, {source.ref} AS object_ref, "
            f"fields.name AS field, {old_value} AS old_value, {new_value} AS new_value, "
            f"COALESCE(c.history_change_reason, '') AS comment, {rank} AS source_rank, c.history_id AS seq, "
            f"fields.n AS n "
            f"FROM ({changed_records}) c CROSS JOIN ({numbered}) fields "
            f"LEFT JOIN {_table(get_user_model())} u ON u.id = c.history_user_id "
            f"WHERE CASE fields.n WHEN 0 THEN c.history_type = '-' {which} END"
        )

    def status_updates(self, model: type[models.Model], item: str, rank: int, pk: int | None, until) -> str:
        """The status updates of actions or projects, one row each and a second for any evidence."""
        p = self.p
        parent = Action if item == "action" else CommissionedProject
        ref = "reference" if item == "action" else "name"
        where = self.in_plans("i.plan_id")
        where += f" AND s.{item}_id = {p(pk)}" if pk is not None else ""
        where += f" AND s.created_at <= {p(until)}" if until is not None else ""
        # The file's name: what follows the last "/" of its path.
        evidence = "substr(s.evidence, length(rtrim(s.evidence, replace(s.evidence, '/', ''))) + 1)"
        return (
            f"SELECT s.created_at AS recorded_at, u.username AS username, {self.year('i.plan_id')} AS plan, "
            f"'Status update' AS object_type, i.{ref} AS object_ref, "
            f"CASE fields.n WHEN 1 THEN 'RAG status' ELSE 'Evidence' END AS field, "
            f"CASE fields.n WHEN 1 THEN {_choice_text('s.previous_rag', RAG.choices, p)} ELSE '' END AS old_value, "
            f"CASE fields.n WHEN 1 THEN {_choice_text('s.rag', RAG.choices, p)} ELSE {evidence} END AS new_value, "
            f"s.commentary AS comment, {rank} AS source_rank, s.id AS seq, fields.n AS n "
            f"FROM {_table(model)} s JOIN {_table(parent)} i ON i.id = s.{item}_id "
            f"JOIN {_table(get_user_model())} u ON u.id = s.created_by_id "
            f"CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) fields "
            f"WHERE {where} AND (fields.n = 1 OR s.evidence <> '')"
        )

    def lead_grants(self, model: type[models.Model], pk: int | None = None) -> str:
        """Which rows of the lead-permission history (alias `g`) concern the scope's actions or projects, or one."""
        p = self.p
        kept = f"SELECT DISTINCT CAST(h.id AS text) FROM {_history_table(model)} h WHERE {self.in_plans('h.plan_id')}"
        kept += f" AND h.id = {p(pk)}" if pk is not None else ""
        permissions = _table(HistoricalUserObjectPermission._meta.get_field("permission").related_model)
        return (
            f"g.content_type_id = {p(ContentType.objects.get_for_model(model).pk)} AND g.object_pk IN ({kept}) "
            f"AND g.permission_id IN (SELECT id FROM {permissions} WHERE codename = 'update_status')"
        )

    def leads(self, model: type[models.Model], rank: int, pk: int | None, until) -> str:
        """Lead grants and revocations on the scope's actions or projects, named by reference or name."""
        p = self.p
        ref = "reference" if model is Action else "name"
        object_id = "CAST(g.object_pk AS bigint)" if self.d.postgres else "CAST(g.object_pk AS integer)"
        where = self.lead_grants(model, pk)
        where += f" AND g.history_date <= {p(until)}" if until is not None else ""
        made = "g.history_type = '+'"
        lead = "COALESCE(lead.username, '#' || CAST(g.user_id AS text))"
        return (
            f"SELECT g.history_date AS recorded_at, COALESCE(u.username, '{SYSTEM}') AS username, "
            f"{self.year(f'COALESCE(item.plan_id, {_latest(model, "plan_id", object_id)})')} AS plan, "
            f"'Lead' AS object_type, "
            f"COALESCE(item.{ref}, {_latest(model, ref, object_id)}, g.object_pk) AS object_ref, 'Lead' AS field, "
            f"CASE WHEN {made} THEN '' ELSE {lead} END AS old_value, "
            f"CASE WHEN {made} THEN {lead} ELSE '' END AS new_value, "
            f"COALESCE(NULLIF(g.history_change_reason, ''), "
            f"CASE WHEN {made} THEN 'Made lead' ELSE 'No longer lead' END) AS comment, "
            f"{rank} AS source_rank, g.history_id AS seq, 0 AS n "
            f"FROM {_table(HistoricalUserObjectPermission)} g "
            f"LEFT JOIN {_table(get_user_model())} u ON u.id = g.history_user_id "
            f"LEFT JOIN {_table(get_user_model())} lead ON lead.id = g.user_id "
            # The live row names the item; the history only when it has been deleted.
            f"LEFT JOIN {_table(model)} item ON item.id = {object_id} "
            f"WHERE {where} AND g.history_type IN ('+', '-')"
        )

    def build(
        self,
        *,
        item: Item | None,
        since: datetime.datetime | None,
        until: datetime.datetime | None,
        username: str | None,
        columns: str,
    ) -> tuple[str, list[Any]]:
        only, pk = _item_key(item)
        parts = [self.history(source, rank, until) for rank, source in enumerate(self.sources(only, pk))]
        rank = len(parts)
        if only in (None, Action):
            parts.append(self.status_updates(StatusUpdate, "action", rank, pk, until))
        if only in (None, CommissionedProject):
            parts.append(self.status_updates(ProjectStatusUpdate, "project", rank + 1, pk, until))
        for offset, model in enumerate((Action, CommissionedProject), start=2):
            if only in (None, model):
                parts.append(self.leads(model, rank + offset, pk, until))
        wanted = []
        if since is not None:
            wanted.append(f"changes.recorded_at >= {self.p(since)}")
        if username is not None:
            wanted.append(f"changes.username = {self.p(username)}")
        # Sorted with the keys at the front of each row, then made text: a sort that breaks a tie reads the keys
        # without stepping over the text before them (a third of the sort's time on a large council). The outer
        # ORDER BY is what promises the order; PostgreSQL finds the rows already in it and sorts once.
        keys = "changes.recorded_at, changes.source_rank, changes.seq, changes.n"
        carried = ", ".join(f"changes.{name}" for name in CARRIED)
        sql = (
            f"SELECT {columns} FROM (SELECT {keys}, {carried} FROM ({' UNION ALL '.join(parts)}) changes"
            + (f" WHERE {' AND '.join(wanted)}" if wanted else "")
            + f" ORDER BY {keys}) changes ORDER BY {keys}"
        )
        return self.p.positional(sql)


def _item_key(item: Item | None) -> tuple[type[models.Model] | None, int | None]:
    if item is None or isinstance(item, tuple):
        return item or (None, None)
    return type(item), item.pk


# What each part of the statement gives besides its sort keys (recorded_at, source_rank, seq, n).
CARRIED = ("username", "plan", "object_type", "object_ref", "field", "old_value", "new_value", "comment")
ROW_COLUMNS = (
    "changes.recorded_at, changes.username, {council}, changes.plan, changes.object_type, "
    "changes.object_ref, changes.field, changes.old_value, changes.new_value, changes.comment"
)


def _statement(
    scope: Scope, *, export: bool | str = False, inert: bool = True, **filters: Any
) -> tuple[str, list[Any]]:
    statement = _Statement(scope)
    if not export:
        council = statement.p(scope.council.name)
        return statement.build(columns=ROW_COLUMNS.format(council=f"{council} AS council"), **filters)
    # Text ready for a spreadsheet: ISO 8601 times, and any cell people can write made inert when it looks like a
    # formula (object types, field names and financial years are the application's own words).
    d = statement.d
    made_inert = d.inert if inert else str
    council = statement.p(neutralise(scope.council.name) if inert else scope.council.name)
    columns = [d.utc_second("changes.recorded_at"), made_inert("changes.username"), council]
    columns += ["changes.plan", "changes.object_type", made_inert("changes.object_ref"), "changes.field"]
    columns += [made_inert(f"changes.{name}") for name in ("old_value", "new_value", "comment")]
    if export == "copy":  # COPY writes an empty string as "" and only NULL as nothing at all
        columns = [f"NULLIF({column}, '')" for column in columns]
    return statement.build(columns=", ".join(columns), **filters)


def _username(user: AbstractBaseUser | str | None) -> str | None:
    return user if isinstance(user, str) or user is None else user.get_username()


def _export_filters(filters: dict[str, Any]) -> dict[str, Any]:
    username = _username(filters.pop("user", None))
    return {"item": None, "since": None, "until": None, **filters, "username": username}


def export_rows(scope: Scope, *, inert: bool = True, **filters: Any) -> Iterator[tuple[str, ...]]:
    """The changes as the exports give them: text only, times in ISO 8601 UTC, formula-like cells made inert (unless
    `inert` is false: the XLSX makes them string cells instead).

    The database does all of it, so Python only passes each row on (through a server-side cursor on PostgreSQL).
    Filters as for `changes`.
    """
    return _fetch(*_statement(scope, export=True, inert=inert, **_export_filters(filters)))


def export_copy_sql(scope: Scope, **filters: Any) -> tuple[str, list[Any]]:
    """The statement of `export_rows` for PostgreSQL's `COPY (...) TO STDOUT WITH (FORMAT csv)`."""
    return _statement(scope, export="copy", **_export_filters(filters))


def _fetch(sql: str, params: list[Any]) -> Iterator[tuple]:
    """The statement's rows, read in chunks (a server-side cursor on PostgreSQL, so memory stays flat)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(CHUNK):
            yield from batch


def _rows(sql: str, params: list[Any]) -> Iterator[ChangeRow]:
    for at, *rest in _fetch(sql, params):
        if isinstance(at, str):  # SQLite gives the stored UTC text, or a naive UTC datetime
            at = datetime.datetime.fromisoformat(at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=datetime.UTC)
        yield ChangeRow(at.astimezone(datetime.UTC), *rest)


def plan_changes(
    plan: DeliveryPlan,
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    user: AbstractBaseUser | str | None = None,
    item: Item | None = None,
) -> Iterator[ChangeRow]:
    """Every change to the plan's content, one row per changed field, in the order it was recorded (UTC).

    `since` and `until` bound the time recorded (inclusive); `user` keeps the changes of one person (a user or a
    username; "system" for changes made outside a signed-in session); `item` keeps those of one object (an
    instance, or a (model, pk) pair for one that has since been deleted): an action or project brings its status
    updates, leads and, for a project, its output targets.
    """
    return changes(Scope.of_plan(plan), since=since, until=until, user=user, item=item)


def council_changes(council: Council, *, until: datetime.datetime | None = None) -> Iterator[ChangeRow]:
    """Every change to every plan the council has had, and to its reviews, in the order it was recorded (UTC)."""
    return changes(Scope.of_council(council), until=until)


def changes(
    scope: Scope,
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    user: AbstractBaseUser | str | None = None,
    item: Item | None = None,
) -> Iterator[ChangeRow]:
    return _rows(*_statement(scope, item=item, since=since, until=until, username=_username(user)))


def plan_change_people(plan: DeliveryPlan) -> list[str]:
    """Everyone who changed the plan ("system" for changes made outside a signed-in session), in one query."""
    statement = _Statement(Scope.of_plan(plan))
    p = statement.p
    user = _table(get_user_model())
    parts = [
        f"SELECT u.username FROM {_history_table(source.model)} h LEFT JOIN {user} u ON u.id = h.history_user_id "
        f"WHERE {source.where}"
        for source in statement.sources(None, None)
    ]
    for model, parent, item in (
        (StatusUpdate, Action, "action"),
        (ProjectStatusUpdate, CommissionedProject, "project"),
    ):
        parts.append(
            f"SELECT u.username FROM {_table(model)} s JOIN {_table(parent)} i ON i.id = s.{item}_id "
            f"JOIN {user} u ON u.id = s.created_by_id WHERE {statement.in_plans('i.plan_id')}"
        )
    for model in (Action, CommissionedProject):
        parts.append(
            f"SELECT u.username FROM {_table(HistoricalUserObjectPermission)} g "
            f"LEFT JOIN {user} u ON u.id = g.history_user_id WHERE {statement.lead_grants(model)}"
        )
    sql, params = p.positional(" UNION ".join(parts))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {name or SYSTEM for (name,) in cursor.fetchall()}
    return sorted(found, key=lambda name: (name == SYSTEM, name.lower()))
