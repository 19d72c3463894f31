"""The fault suite's servers (tests/faults/servers.py) and the world it acts on, made once per test process."""

import hashlib
import importlib.metadata
import json
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .servers import PYTHON, ROOT, App, Postgres, Redis, app_env, postgres, redis_server  # noqa: F401 - fixtures


def world_call(server: Postgres, *args: str) -> dict:
    """Run tests/faults/world.py against the fault database and read its JSON answer."""
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-m", "tests.faults.world", *args],
        cwd=ROOT,
        env=app_env(server.url, server.files),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def fault_world(postgres: Postgres) -> dict:  # noqa: F811 - the fixture imported above
    """The app's tables, then the council, plan, actions and people the faults act on.

    `migrate` takes most of the suite's setup (15 to 40 s), so the migrated database is kept as SQL in the temporary
    folder, named for the migrations and the installed packages, and later runs load it in a second or two."""
    schema = schema_file(postgres)
    if schema.exists():
        postgres.restore(schema)
    else:
        world_call(postgres, "migrate")
        postgres.dump(schema)
    return world_call(postgres, "make")


def schema_file(server: Postgres) -> Path:
    digest = hashlib.sha256(str(server.bin).encode())
    # The migrations, and what runs after every migrate: the append-only triggers.
    after_migrate = [ROOT / "core" / "append_only.py", ROOT / "core" / "apps.py"]
    for source in [*sorted(ROOT.glob("*/migrations/*.py")), *after_migrate]:
        digest.update(source.relative_to(ROOT).as_posix().encode() + source.read_bytes())
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update("\n".join(packages).encode())
    return Path(tempfile.gettempdir()) / f"prevent-faults-schema-{digest.hexdigest()[:16]}.sql"


# Shorter than production's (gunicorn --timeout 30, connect 5 s, a job lost after 300 s, the cache retried after
# 30 s) so that each fault plays out in seconds; the mechanisms are the same.
WORKER_TIMEOUT = 3
CONNECT_TIMEOUT = 1
JOB_LOST_AFTER = 2
CACHE_RETRY = 2
WORKERS = 2


@pytest.fixture(scope="session")
def app(postgres: Postgres, redis_server: Redis | None, request: pytest.FixtureRequest) -> Iterator[App]:  # noqa: F811
    """The app on the fault database and Redis, served by gunicorn's sync workers as in production, warmed up.
    Its workers start while the world is made: each takes seconds to import the app."""
    env = {
        "DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
        "JOB_LOST_AFTER_SECONDS": str(JOB_LOST_AFTER),
        "CACHE_RETRY_SECONDS": str(CACHE_RETRY),
    }
    if redis_server is not None:
        env["CACHE_URL"] = redis_server.url
    served = App(
        app_env(postgres.url, postgres.files, **env),
        log=postgres.files / "gunicorn.log",
        workers=WORKERS,
        timeout=WORKER_TIMEOUT,
    )
    served.launch()
    try:
        request.getfixturevalue("fault_world")
        served.wait_ready()
    except BaseException:
        served.stop()
        raise
    for _ in range(WORKERS * 2):  # each worker imports every view as it starts: not part of what is timed
        served.request("GET", "/health/", cookies={})
    yield served
    served.stop()
