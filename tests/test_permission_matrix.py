"""Every view and method against every persona: the access rules of DESIGN.md, in one table.

Personas: anonymous, the council's coordinator, the lead of this item, the lead of another item of the same plan,
a Board member, an auditor, and another council's coordinator. Codes: 200 shown, 302 sent to sign-in,
403 seen but not theirs to change, 404 not theirs to see. No request by someone without the right writes anything.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, Job
from plans.models import Invitation
from tests.factories import PASSWORD
from tests.url_walk import url_names

PERSONAS = ["anonymous", "coordinator", "lead", "other_lead", "board", "auditor", "outsider"]

READ = {"anonymous": 302, "outsider": 404}  # everyone else who sees the plan: 200
REPORT = {"anonymous": 302, "other_lead": 403, "board": 403, "auditor": 403, "outsider": 404}  # coordinator, lead
EDIT = {"anonymous": 302, "lead": 403, "other_lead": 403, "board": 403, "auditor": 403, "outsider": 404}
EXPORT = {"anonymous": 302, "lead": 403, "other_lead": 403, "board": 403, "outsider": 404}  # coordinator, auditor
BOARD_PACK = {"anonymous": 302, "lead": 403, "other_lead": 403, "outsider": 404}  # coordinator, board, auditor
SIGNED_IN = {"anonymous": 302}  # whoever is signed in: 200


def expected(rule: dict, persona: str) -> int:
    return rule.get(persona, 200)


# (url name, how to find its argument, rule for GET, rule for POST)
PAGES = [
    ("plans:detail", lambda w, i: w.plan.pk, READ, None),
    ("plans:edit", lambda w, i: w.plan.pk, EDIT, EDIT),
    ("plans:meetings", lambda w, i: w.plan.pk, READ, EDIT),
    ("plans:meeting_edit", lambda w, i: i["meeting"].pk, EDIT, EDIT),
    ("plans:meeting_delete", lambda w, i: i["meeting"].pk, EDIT, EDIT),
    ("plans:meeting", lambda w, i: i["meeting"].pk, READ, None),
    ("plans:attendance_add", lambda w, i: i["meeting"].pk, EDIT, EDIT),
    ("plans:attendance_remove", lambda w, i: i["attendance"].pk, EDIT, EDIT),
    ("plans:action_arising_add", lambda w, i: i["meeting"].pk, EDIT, EDIT),
    ("plans:action_arising_done", lambda w, i: i["arising"].pk, EDIT, EDIT),
    ("plans:programme_board", lambda w, i: w.plan.council.slug, READ, None),
    ("plans:programme_board_edit", lambda w, i: w.plan.council.slug, EDIT, EDIT),
    ("plans:people", lambda w, i: w.plan.council.slug, EDIT, EDIT),
    ("plans:membership_remove", lambda w, i: i["membership"].pk, EDIT, EDIT),
    ("objectives:create", lambda w, i: w.plan.pk, EDIT, EDIT),
    ("objectives:edit", lambda w, i: w.action.objective_id, EDIT, EDIT),
    ("objectives:delete", lambda w, i: w.action.objective_id, EDIT, EDIT),
    ("actions:detail", lambda w, i: w.action.pk, READ, None),
    ("actions:update_status", lambda w, i: w.action.pk, REPORT, REPORT),
    ("actions:edit", lambda w, i: w.action.pk, EDIT, EDIT),
    ("actions:withdraw", lambda w, i: w.action.pk, EDIT, EDIT),
    ("actions:delete", lambda w, i: w.action.pk, EDIT, EDIT),
    ("actions:create", lambda w, i: w.plan.pk, EDIT, EDIT),
    ("projects:detail", lambda w, i: w.project.pk, READ, None),
    ("projects:update_status", lambda w, i: w.project.pk, REPORT, REPORT),
    ("projects:edit", lambda w, i: w.project.pk, EDIT, EDIT),
    ("projects:withdraw", lambda w, i: w.project.pk, EDIT, EDIT),
    ("projects:delete", lambda w, i: w.project.pk, EDIT, EDIT),
    ("projects:create", lambda w, i: w.plan.pk, EDIT, EDIT),
    ("peer_review:review", lambda w, i: w.recommendation.review_id, READ, None),
    ("peer_review:review_create", lambda w, i: w.plan.pk, EDIT, EDIT),
    ("peer_review:review_edit", lambda w, i: w.recommendation.review_id, EDIT, EDIT),
    ("peer_review:recommendation_create", lambda w, i: w.recommendation.review_id, EDIT, EDIT),
    ("peer_review:recommendation", lambda w, i: w.recommendation.pk, READ, None),
    ("peer_review:recommendation_edit", lambda w, i: w.recommendation.pk, EDIT, EDIT),
    ("peer_review:recommendation_delete", lambda w, i: w.recommendation.pk, EDIT, EDIT),
    ("plans:dashboard", lambda w, i: w.plan.pk, READ, None),
    ("plans:history", lambda w, i: w.plan.pk, READ, None),
    ("plans:as_at", lambda w, i: w.plan.pk, READ, None),
    ("plans:update_requests", lambda w, i: w.plan.pk, EDIT, EDIT),
    ("plans:board_pack", lambda w, i: i["meeting"].pk, BOARD_PACK, None),
    ("plans:rollover", lambda w, i: w.plan.pk, EDIT, EDIT),
    ("plans:import", lambda w, i: w.plan.pk, EDIT, EDIT),
    ("plans:import_preview", lambda w, i: i["staged"].pk, EDIT, EDIT),
    ("plans:publish", lambda w, i: w.plan.pk, EDIT, EDIT),
    ("plans:publish_preview", lambda w, i: w.plan.pk, EDIT, None),
    ("plans:create", lambda w, i: w.plan.council.slug, EDIT, EDIT),
    ("plans:invite", lambda w, i: w.plan.pk, EDIT, EDIT),
    ("plans:attention", lambda w, i: w.plan.council.slug, EDIT, None),
    ("plans:search", lambda w, i: w.plan.pk, READ, None),
]
# Downloads: exports are for coordinators and auditors; the Board pack PDF also for Board members.
DOWNLOADS = [
    ("plans:export_as_at", lambda w, i: [w.plan.pk, "csv"], EXPORT),
    ("plans:export_as_at", lambda w, i: [w.plan.pk, "xlsx"], EXPORT),
    ("plans:export_history", lambda w, i: [w.plan.pk, "csv"], EXPORT),
    ("plans:export_history", lambda w, i: [w.plan.pk, "xlsx"], EXPORT),
    ("plans:board_pack_pdf", lambda w, i: [i["meeting"].pk], BOARD_PACK),
    ("plans:import_template", lambda w, i: ["csv"], SIGNED_IN),
    ("plans:import_template", lambda w, i: ["xlsx"], SIGNED_IN),
]
EVIDENCE = [
    ("actions:evidence", lambda w, i: i["update"].pk),
    ("projects:evidence", lambda w, i: i["project_update"].pk),
]


@pytest.fixture
def client_as(request, signed_in):
    def make(persona: str):
        return signed_in(None if persona == "anonymous" else request.getfixturevalue(persona))

    return make


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "argument", "get_rule", "post_rule"), PAGES, ids=[page[0] for page in PAGES])
def test_every_view_answers_every_persona_as_the_design_says(
    world, url_objects, client_as, persona, name, argument, get_rule, post_rule
):
    client = client_as(persona)
    url = reverse(name, args=[argument(world, url_objects)])
    response = client.get(url)
    assert response.status_code == expected(get_rule, persona), f"GET {name} as {persona}"
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))

    before = AuditEntry.objects.count()
    response = client.post(url, {"version": 1, "rag": "green", "commentary": "Hijack", "title": "Hijack"})
    if post_rule is None:
        assert response.status_code in {302, 405} if persona == "anonymous" else response.status_code == 405
    else:
        code = expected(post_rule, persona)
        if code == 200:
            # Those with the right get the form back with errors, or the change made (this data may be enough).
            assert response.status_code in {200, 302, 409}, f"POST {name} as {persona}"
        else:
            assert response.status_code == code, f"POST {name} as {persona}"
            assert AuditEntry.objects.count() == before, f"POST {name} as {persona} wrote to the record"
    assert client.put(url).status_code in {302, 405}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "argument"), EVIDENCE, ids=[page[0] for page in EVIDENCE])
def test_evidence_is_refused_to_those_who_may_not_see_the_item(world, url_objects, client_as, persona, name, argument):
    response = client_as(persona).get(reverse(name, args=[argument(world, url_objects)]))
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona == "outsider":
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 minutes"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "arguments", "rule"), DOWNLOADS, ids=[f"{d[0]}-{i}" for i, d in enumerate(DOWNLOADS)])
def test_every_download_answers_every_persona_as_the_design_says(
    world, url_objects, client_as, persona, name, arguments, rule
):
    client = client_as(persona)
    before = AuditEntry.objects.count()
    response = client.get(reverse(name, args=arguments(world, url_objects)))
    assert response.status_code == expected(rule, persona), f"GET {name} as {persona}"
    if response.status_code != 200:
        assert AuditEntry.objects.count() == before  # a refused export is not an export
    assert client.post(reverse(name, args=arguments(world, url_objects))).status_code in {302, 405}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_council_export_is_asked_for_by_its_coordinators_and_auditors_only(world, client_as, persona, fmt):
    """Asked for with a POST, which queues it and sends the person to its page; a GET is refused."""
    client = client_as(persona)
    url = reverse("plans:export_council_history", args=[world.plan.council.slug, fmt])
    assert client.get(url).status_code == (302 if persona == "anonymous" else 405)
    response = client.post(url)
    if expected(EXPORT, persona) == 200:
        assert response.status_code == 302 and response.url == reverse("jobs:job", args=[Job.objects.get().pk])
    else:
        assert response.status_code == expected(EXPORT, persona) and not Job.objects.exists()


# The person who started a job sees its page; a verification's also every auditor of its council. Its file is for
# the person who asked alone.
JOB_PAGE = {"anonymous": 302, "coordinator": 404, "lead": 404, "other_lead": 404, "board": 404, "outsider": 404}
JOB_FILE = {"anonymous": 302, "auditor": 200}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_jobs_pages_and_file_answer_every_persona_as_the_design_says(
    world, auditor, client_as, persona, django_capture_on_commit_callbacks, worker
):
    starter = client_as("auditor")
    with django_capture_on_commit_callbacks(execute=True):
        starter.post(reverse("plans:audit"))
        starter.post(reverse("plans:export_council_history", args=[world.plan.council.slug, "csv"]))
    worker()
    verification, export = Job.objects.get(kind=Job.Kind.VERIFICATION), Job.objects.get(kind=Job.Kind.EXPORT)
    client = client_as(persona)
    for job in (verification, export):
        for name in ("jobs:job", "jobs:job_progress"):
            response = client.get(reverse(name, args=[job.pk]))
            assert response.status_code == expected(JOB_PAGE, persona), f"{name} of {job.kind} as {persona}"
            assert client.post(reverse(name, args=[job.pk])).status_code in {302, 405}
    response = client.get(reverse("jobs:job_download", args=[export.pk]))
    assert response.status_code == JOB_FILE.get(persona, 404)
    assert client.get(reverse("jobs:job_download", args=[verification.pk])).status_code in {302, 404}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_the_audit_page_is_for_auditors(world, client_as, persona):
    response = client_as(persona).get(reverse("plans:audit"))
    assert response.status_code == (200 if persona == "auditor" else 404)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_home_and_my_actions_answer_everyone_signed_in(world, client_as, persona):
    client = client_as(persona)
    assert client.get(reverse("plans:home")).status_code == 200
    assert client.get(reverse("plans:mine")).status_code == 200


def test_guessing_ids_across_councils_finds_nothing(world, outsider, coordinator, client_as):
    """The outsider tries the ids of this council's items; this council's coordinator tries the outsider's."""
    outsider_client, coordinator_client = client_as("outsider"), client_as("coordinator")
    for name, pk in [
        ("actions:update_status", world.action.pk),
        ("actions:edit", world.action.pk),
        ("projects:edit", world.project.pk),
        ("peer_review:recommendation_edit", world.recommendation.pk),
    ]:
        before = AuditEntry.objects.count()
        assert outsider_client.post(reverse(name, args=[pk]), {"version": 1, "title": "x"}).status_code == 404
        assert AuditEntry.objects.count() == before
    for name, pk in [
        ("actions:edit", world.elsewhere_action.pk),
        ("projects:update_status", world.elsewhere_project.pk),
        ("peer_review:recommendation_edit", world.elsewhere_recommendation.pk),
        ("plans:edit", world.elsewhere_plan.pk),
    ]:
        assert coordinator_client.post(reverse(name, args=[pk]), {"version": 1}).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_sending_an_invitation_again_is_for_its_councils_coordinator(world, client_as, coordinator, persona):
    invited = get_user_model().objects.create_user("invited@example.org", email="invited@example.org", is_active=False)
    invitation = Invitation.objects.create(
        user=invited, council=world.council, agency="NHS", invited_by=coordinator, sent_at=timezone.now()
    )
    url = reverse("plans:invitation_resend", args=[invitation.pk])
    client = client_as(persona)
    before = AuditEntry.objects.count()
    response = client.post(url)
    assert response.status_code == {"anonymous": 302, "coordinator": 302, "outsider": 404}.get(persona, 403), persona
    invitation.refresh_from_db()
    if persona == "coordinator":
        assert invitation.history.count() == 2
    else:
        assert AuditEntry.objects.count() == before and invitation.history.count() == 1
    assert client.get(url).status_code in {302, 405}


# The second-factor pages act on the signed-in person's own devices only: no page takes an id, so there is nothing of
# anyone else's to reach. Nobody here has an authenticator app, so the code pages send them on to the page asked for.
MFA_PAGES = {
    "mfa:account": 200,
    "mfa:set_up": 200,
    "mfa:verify": 302,
    "mfa:recovery": 302,
    "mfa:recovery_codes": 302,  # new codes are shown once, straight after they are made; otherwise the account page
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", MFA_PAGES)
def test_the_two_factor_pages_answer_each_person_for_themselves(world, client_as, persona, name):
    response = client_as(persona).get(reverse(name))
    if persona == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        return
    assert response.status_code == MFA_PAGES[name], f"GET {name} as {persona}"
    if response.status_code == 302:
        assert not response.url.startswith(reverse("login"))
    assert client_as(persona).put(reverse(name)).status_code == 405


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_signed_in_changes_their_own_password_and_nobody_else_s(world, client_as, persona, request):
    """The password change page names no one: it acts on whoever is signed in, whatever their roles."""
    client = client_as(persona)
    url = reverse("password_change")
    response = client.get(url)
    if persona == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert client.post(url, {"old_password": "x"}).status_code == 302
        return
    assert response.status_code == 200
    user = request.getfixturevalue(persona)
    new = "another-long-passphrase-2027"
    fields = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert client.post(url, fields).status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    # Their colleagues' passwords are untouched.
    others = [request.getfixturevalue(p) for p in PERSONAS if p not in {"anonymous", persona}]
    for other in others:
        other.refresh_from_db()
        assert other.check_password(PASSWORD)
    assert client.put(url).status_code == 405


# Pages each checked by a test of their own above, with their arguments.
OWN_TESTS = {
    "plans:audit": lambda w, i: [],
    "plans:home": lambda w, i: [],
    "plans:mine": lambda w, i: [],
    "plans:invitation_resend": lambda w, i: [i["invitation"].pk],
    "password_change": lambda w, i: [],
    **dict.fromkeys(MFA_PAGES, lambda w, i: []),
    "plans:export_council_history": lambda w, i: [w.plan.council.slug, "csv"],
    "jobs:job": lambda w, i: [i["job"].pk],
    "jobs:job_progress": lambda w, i: [i["job"].pk],
    "jobs:job_download": lambda w, i: [i["job"].pk],
}


# How to reach each page of the matrix with real objects: the anonymous walk (tests/test_login_required.py) uses it.
def _one(argument):
    return lambda w, i: [argument(w, i)]


ARGUMENTS = {
    **{name: _one(argument) for name, argument, *_ in PAGES + EVIDENCE},
    **{name: arguments for name, arguments, _ in DOWNLOADS},
    **OWN_TESTS,
}
# Reviewed: URL names whose access does not turn on a person's roles, and where each is tested instead. The admin's
# pages all pass through its own sign-in check (config/urls.py) and are walked anonymously with the rest.
OUTSIDE_THE_MATRIX = {
    "login": "tests/core/test_sign_in.py",
    "logout": "tests/core/test_sign_in.py",
    "accessibility": "tests/test_login_required.py (open to everyone)",
    "plans:published": "tests/plans/test_publication.py (open to everyone once the council publishes)",
    "plans:published_pdf": "tests/plans/test_published_pdf.py (as plans:published)",
    "plans:invitation_accept": "tests/plans/test_invitations.py (the emailed link's token is the key)",
    "plans:start": "tests/plans/test_landing.py (redirects whoever is signed in to their own page; anonymous: walk)",
    "session_extend": "tests/core/test_sessions.py (acts on the session of whoever is signed in; anonymous: walk)",
    "health": "tests/core/test_health.py (open to load balancers: part names and ok or failing only)",
}


def test_the_matrix_covers_every_url_name():
    names = {name for name in url_names() if not name.startswith("admin:")}
    missing = sorted(names - ARGUMENTS.keys() - OUTSIDE_THE_MATRIX.keys())
    assert not missing, (
        f"URL names with no entry in the permission matrix: {', '.join(missing)}. Add each to PAGES, DOWNLOADS or "
        "EVIDENCE in tests/test_permission_matrix.py with who may GET and POST it (and an object for its arguments "
        "in the url_objects fixture if the world has none), or, reviewed, to OUTSIDE_THE_MATRIX with where it is "
        "tested."
    )
    stale = sorted((ARGUMENTS.keys() | OUTSIDE_THE_MATRIX.keys()) - names)
    assert not stale, f"The matrix names URLs that no longer exist: {', '.join(stale)}"
