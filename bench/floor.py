"""The database's own floor for each scenario: the same data fetched with hand-written SQL in psql.

Each scenario's statements run in one psql session, repeated; `\\timing` gives each statement's time as psql sees it
(server work plus the round trip), and a repetition's time is the sum of its statements. The status update floor
writes what the application writes (the update, the action, its history entry, two links of the audit chain) and
rolls back, so the record is left as it was. The export's floor is `COPY (...) TO STDOUT` of every source row the
council's history export reads, in time order, as CSV: run twice, the first reading what the page cache does not
hold, the second compared with the export's second download (bench/export.py). The commit floor is what one
committed one-row INSERT costs on this machine's disk, sampled for 20 s: every status update pays it once.

    python bench/floor.py --database postgres://postgres@127.0.0.1:5432/prevent_bench --targets bench/out/targets.json
"""

import argparse
import json
import re
import statistics
import subprocess
import time
from pathlib import Path

import psycopg2

TIME = re.compile(r"^Time: ([0-9.]+) ms", re.MULTILINE)


def dashboard(plan: int, council: int, since: str = "now() - interval '61 days'") -> list[str]:
    return [
        f"SELECT id, number, title FROM objectives_objective WHERE plan_id = {plan}",
        "SELECT a.id, a.reference, a.title, a.rag, a.due_date, a.status_updated_at, a.lead_agency, a.objective_id, "
        "u.commentary, u.created_at FROM actions_action a LEFT JOIN LATERAL (SELECT commentary, created_at "
        "FROM actions_statusupdate s WHERE s.action_id = a.id ORDER BY created_at DESC LIMIT 1) u ON true "
        f"WHERE a.plan_id = {plan} AND a.withdrawn_at IS NULL",
        "SELECT p.id, p.name, p.rag, t.description, t.target, t.delivered FROM projects_commissionedproject p "
        f"LEFT JOIN projects_outputtarget t ON t.project_id = p.id WHERE p.plan_id = {plan}",
        f"SELECT id, date FROM plans_boardmeeting WHERE plan_id = {plan}",
        "SELECT r.id, r.number, r.text, aa.action_id FROM peer_review_recommendation r JOIN peer_review_review v "
        f"ON v.id = r.review_id LEFT JOIN actions_action_answers aa ON aa.recommendation_id = r.id "
        f"WHERE v.council_id = {council}",
        "SELECT s.action_id, s.rag, s.previous_rag FROM actions_statusupdate s JOIN actions_action a "
        f"ON a.id = s.action_id WHERE a.plan_id = {plan} AND s.created_at > {since}",
    ]


def as_at(plan: int, moment: str) -> list[str]:
    latest = "SELECT DISTINCT ON (h.id) h.* FROM {table} h WHERE {where} AND h.history_date <= {moment} "
    latest += "ORDER BY h.id, h.history_date DESC, h.history_id DESC"
    statements = [
        latest.format(table=table, where=f"h.plan_id = {plan}", moment=moment)
        for table in ("objectives_historicalobjective", "actions_historicalaction", "plans_historicalboardmeeting")
    ]
    projects = f"h.plan_id = {plan}"
    statements.append(latest.format(table="projects_historicalcommissionedproject", where=projects, moment=moment))
    targets = f"h.project_id IN (SELECT id FROM projects_commissionedproject WHERE plan_id = {plan})"
    statements.append(latest.format(table="projects_historicaloutputtarget", where=targets, moment=moment))
    statements.append(
        "SELECT DISTINCT ON (s.action_id) s.action_id, s.rag, s.commentary, s.created_at FROM actions_statusupdate s "
        f"JOIN actions_action a ON a.id = s.action_id WHERE a.plan_id = {plan} AND s.created_at <= {moment} "
        "ORDER BY s.action_id, s.created_at DESC"
    )
    return statements


def plan_page(plan: int, council: int) -> list[str]:
    """What the plan page shows: the plan's own text, its objectives, the actions with their latest update, the
    projects with their outputs and the objectives they serve, and the council's reviews with their recommendations
    and the actions answering each."""
    board = dashboard(plan, council)
    return [
        f"SELECT * FROM plans_deliveryplan WHERE id = {plan}",
        *board[:3],
        "SELECT po.commissionedproject_id, po.objective_id FROM projects_commissionedproject_objectives po "
        f"JOIN projects_commissionedproject p ON p.id = po.commissionedproject_id WHERE p.plan_id = {plan}",
        f"SELECT * FROM peer_review_review WHERE council_id = {council}",
        board[4],
    ]


def action_page(action: int) -> list[str]:
    return [
        f"SELECT * FROM actions_action WHERE id = {action}",
        "SELECT s.*, u.username FROM actions_statusupdate s JOIN auth_user u ON u.id = s.created_by_id "
        f"WHERE s.action_id = {action} ORDER BY s.created_at DESC",
        "SELECT u.username FROM guardian_userobjectpermission g JOIN auth_user u ON u.id = g.user_id "
        f"WHERE g.object_pk = '{action}' AND g.content_type_id = (SELECT id FROM django_content_type "
        "WHERE app_label = 'actions' AND model = 'action')",
        "SELECT r.* FROM peer_review_recommendation r JOIN actions_action_answers aa ON aa.recommendation_id = r.id "
        f"WHERE aa.action_id = {action}",
    ]


def status_update(action: int, user: int) -> list[str]:
    return [
        "BEGIN",
        f"SELECT * FROM actions_action WHERE id = {action} FOR UPDATE",
        "INSERT INTO actions_statusupdate (action_id, rag, previous_rag, commentary, evidence, as_of, created_by_id, "
        f"created_at) VALUES ({action}, 'green', 'amber', 'Floor', '', current_date, {user}, now()) RETURNING id",
        "UPDATE actions_action SET rag = 'green', status_updated_at = now(), version = version + 1 "
        f"WHERE id = {action}",
        "INSERT INTO actions_historicalaction (id, version, reference, section, title, outcomes, outputs, timescale, "
        "due_date, lead, lead_agency, rag, withheld_fields, withdrawn_at, status_updated_at, plan_id, objective_id, "
        "carried_from_id, history_date, history_change_reason, history_type, history_user_id) SELECT id, version, "
        "reference, section, title, outcomes, outputs, timescale, due_date, lead, lead_agency, rag, withheld_fields, "
        "withdrawn_at, status_updated_at, plan_id, objective_id, carried_from_id, now(), 'Status update: Green', '~', "
        f"{user} FROM actions_action WHERE id = {action} RETURNING history_id",
        "SELECT * FROM core_auditchainhead WHERE id = 1 FOR UPDATE",
        "INSERT INTO core_auditentry (recorded_at, source, source_pk, content_hash, previous_hash, entry_hash) "
        "VALUES (now(), 'floor', 1, md5('a') || md5('b'), md5('c') || md5('d'), md5(random()::text) || md5('x'))",
        "INSERT INTO core_auditentry (recorded_at, source, source_pk, content_hash, previous_hash, entry_hash) "
        "VALUES (now(), 'floor', 2, md5('a') || md5('b'), md5('c') || md5('d'), md5(random()::text) || md5('y'))",
        "UPDATE core_auditchainhead SET last_seq = last_seq WHERE id = 1",
        "ROLLBACK",
    ]


def export_copy(council: int) -> str:
    plans = f"(SELECT id FROM plans_deliveryplan WHERE council_id = {council})"
    projects = f"(SELECT id FROM projects_commissionedproject WHERE plan_id IN {plans})"
    reviews = f"(SELECT id FROM peer_review_review WHERE council_id = {council})"
    who = "LEFT JOIN auth_user u ON u.id = h.history_user_id"
    parts = [
        "SELECT s.created_at AS at, u.username, a.reference AS ref, a.plan_id, s.previous_rag AS old, s.rag AS new, "
        "s.commentary AS detail FROM actions_statusupdate s JOIN actions_action a ON a.id = s.action_id "
        f"JOIN auth_user u ON u.id = s.created_by_id WHERE a.plan_id IN {plans}",
        "SELECT s.created_at, u.username, p.name, p.plan_id, s.previous_rag, s.rag, s.commentary "
        "FROM projects_projectstatusupdate s JOIN projects_commissionedproject p ON p.id = s.project_id "
        f"JOIN auth_user u ON u.id = s.created_by_id WHERE p.plan_id IN {plans}",
        "SELECT h.history_date, u.username, h.reference, h.plan_id, h.rag, h.title, concat_ws('|', h.outcomes, "
        "h.outputs, h.timescale, h.due_date, h.lead, h.lead_agency, h.version, h.history_change_reason) "
        f"FROM actions_historicalaction h {who} WHERE h.plan_id IN {plans}",
        "SELECT h.history_date, u.username, h.name, h.plan_id, h.rag, h.provider, concat_ws('|', h.description, "
        "h.outcomes, h.amount, h.timescale, h.version, h.history_change_reason) "
        f"FROM projects_historicalcommissionedproject h {who} WHERE h.plan_id IN {plans}",
        "SELECT h.history_date, u.username, h.description, h.project_id, h.target::text, h.delivered::text, NULL "
        f"FROM projects_historicaloutputtarget h {who} WHERE h.project_id IN {projects}",
        "SELECT h.history_date, u.username, h.number::text, h.plan_id, h.title, h.description, NULL "
        f"FROM objectives_historicalobjective h {who} WHERE h.plan_id IN {plans}",
        "SELECT h.history_date, u.username, h.date::text, h.plan_id, h.decisions, NULL, NULL "
        f"FROM plans_historicalboardmeeting h {who} WHERE h.plan_id IN {plans}",
        "SELECT h.history_date, u.username, h.year, h.id, h.status, h.introduction, h.local_context "
        f"FROM plans_historicaldeliveryplan h {who} WHERE h.id IN {plans}",
        "SELECT h.history_date, u.username, h.number::text, h.review_id, h.text, h.theme, h.owner "
        f"FROM peer_review_historicalrecommendation h {who} WHERE h.review_id IN {reviews}",
        "SELECT h.history_date, u.username, h.object_pk, h.user_id, h.history_type, NULL, NULL "
        f"FROM core_historicaluserobjectpermission h {who} WHERE h.object_pk IN "
        f"(SELECT id::text FROM actions_action WHERE plan_id IN {plans})",
        # The recommendations each action answered, at each of its history entries (they carry no time of their own).
        "SELECT now(), NULL, NULL, m.history_id, NULL, NULL, m.recommendation_id::text "
        "FROM actions_historicalaction_answers m WHERE m.history_id IN "
        f"(SELECT history_id FROM actions_historicalaction WHERE plan_id IN {plans})",
    ]
    return "COPY (" + " UNION ALL ".join(parts) + " ORDER BY 1) TO STDOUT WITH CSV"


def psql(database: str, statements: list[str], repeat: int) -> list[float]:
    """Run the statements `repeat` times in one session; the total time of each repetition, in ms."""
    script = "\\timing on\n\\o /dev/null\n" + "".join(f"{s};\n" for s in statements) * repeat
    output = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", database],
        input=script,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    times = [float(t) for t in TIME.findall(output)]
    per = len(statements)
    return [sum(times[i : i + per]) for i in range(0, len(times), per)]


def commit_floor(database: str, seconds: float = 20, pause: float = 0.02) -> dict:
    """Latency of a committed one-row INSERT (the WAL flush a status update waits for), one every `pause` seconds."""
    connection = psycopg2.connect(database)
    connection.autocommit = True
    latencies = []
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_commit_probe")  # left by a run that was stopped
        cursor.execute("CREATE TABLE bench_commit_probe (id serial PRIMARY KEY)")
        try:
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                cursor.execute("INSERT INTO bench_commit_probe DEFAULT VALUES")
                latencies.append((time.perf_counter() - started) * 1000)
                time.sleep(pause)
        finally:
            cursor.execute("DROP TABLE bench_commit_probe")
    connection.close()
    ordered = sorted(latencies)
    return {
        **summary("one-row commit", ordered, warm=False),
        "max_ms": round(ordered[-1], 1),
        "over_100_ms": sum(latency > 100 for latency in ordered),
        "commits": len(ordered),
    }


def summary(name: str, totals: list[float], *, warm: bool = True) -> dict:
    ordered = sorted((totals[1:] if warm else totals) or totals)  # the first repetition warms the cache
    return {
        "name": name,
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--targets", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--heavy", default="")
    arguments = parser.parse_args()
    targets = json.loads(arguments.targets.read_text())["councils"]
    target = targets[0]

    def scalar(sql: str) -> str:
        command = ["psql", "-X", "-A", "-t", "-c", sql, arguments.database]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    council = int(scalar(f"SELECT id FROM plans_council WHERE slug = '{target['slug']}'"))
    user = int(scalar(f"SELECT id FROM auth_user WHERE username = '{target['username']}'"))
    plan_id, meeting = target["meetings"][-1]
    moment = f"(SELECT (date + 1)::timestamptz FROM plans_boardmeeting WHERE id = {meeting})"
    action = target["actions"][0]
    results = [
        summary("dashboard", psql(arguments.database, dashboard(target["plan"], council), arguments.repeat)),
        summary("plan page", psql(arguments.database, plan_page(target["plan"], council), arguments.repeat)),
        summary("action page", psql(arguments.database, action_page(action), arguments.repeat)),
        summary("status update POST", psql(arguments.database, status_update(action, user), arguments.repeat)),
        summary(
            "past-meeting dashboard",
            psql(arguments.database, as_at(plan_id, moment) + dashboard(plan_id, council, moment)[3:5], 20),
        ),
    ]
    results.append(commit_floor(arguments.database))
    for slug in [target["slug"], arguments.heavy] if arguments.heavy else [target["slug"]]:
        council = int(scalar(f"SELECT id FROM plans_council WHERE slug = '{slug}'"))
        times = []
        for _ in range(2):
            started = time.perf_counter()
            copied = subprocess.run(
                ["psql", "-X", "-q", "-c", export_copy(council), arguments.database],
                capture_output=True,
                check=True,
            ).stdout
            times.append(time.perf_counter() - started)
        results.append(
            {
                "name": f"history COPY of {slug}",
                "first_seconds": round(times[0], 3),
                "seconds": round(times[1], 3),
                "bytes": len(copied),
            }
        )
    arguments.out.write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
