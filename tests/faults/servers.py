"""Servers of the fault tests' own, on ports nobody else uses: a PostgreSQL made with initdb into a temporary folder,
a Redis without persistence, and the app served by gunicorn pointed at them. Each can be stopped, hung (SIGSTOP),
resumed and restarted; nothing here touches the machine's own PostgreSQL or Redis.
"""

import contextlib
import glob
import http.client
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, seconds: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port} after {seconds} s")


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class Postgres:
    """A PostgreSQL cluster of the test's own. Run as the `postgres` OS user when the tests run as root (the server
    refuses to run as root), as the test's own user otherwise."""

    def __init__(self, base: Path) -> None:
        self.bin = postgres_bin()
        self.port = free_port()
        self.data = base / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            base.chmod(0o755)
        self.process: subprocess.Popen | None = None
        self.files = base / "files"  # the app's files and audit checkpoints while it uses this database

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/faults"

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, cwd="/")  # noqa: S603

    def initdb(self) -> None:
        self.data.mkdir()
        if self.as_user:
            entry = pwd.getpwnam("postgres")
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        # fsync stays on (the default): a write acknowledged before a crash must be there after it.
        self.process = subprocess.Popen(  # noqa: S603 (the test's own command)
            [
                *self.as_user,
                str(self.bin / "postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={self.data}",
                "-c",
                "shared_buffers=16MB",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
        )
        wait_for_port(self.port, seconds=20, process=self.process)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            ready = subprocess.run(  # noqa: S603
                [str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)], check=False
            )
            if ready.returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError("the fault PostgreSQL did not become ready")

    @property
    def postmaster(self) -> int:
        """The server's own process (runuser, when there is one, passes no signal on)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def crash(self) -> None:
        """Stop at once, as a machine losing power would: no checkpoint, the next start replays the WAL."""
        assert self.process is not None
        os.kill(self.postmaster, signal.SIGQUIT)  # "immediate shutdown": every backend ends where it stands
        self.process.wait(timeout=20)
        self.process = None

    def hang(self) -> None:
        """Stop every process of the cluster where it stands (SIGSTOP): connections stay open, nothing answers."""
        self._signal_all(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal_all(signal.SIGCONT)
        if self.process is not None:
            # runuser stops itself when its child stops (as su does): it must be woken too, or it never reaps it.
            os.kill(self.process.pid, signal.SIGCONT)

    def _signal_all(self, signum: int) -> None:
        assert self.process is not None
        pids = [self.postmaster, *self._children(self.postmaster)]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(fields[1]) == pid:
                        found.append(int(entry.name))
                        found.extend(Postgres._children(int(entry.name)))
        return found

    def dump(self, path: Path) -> None:
        """The database as SQL into `path`, whole or not at all (another test process may read it meanwhile)."""
        partial = path.with_suffix(f".{os.getpid()}.partial")
        where = ("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "faults")
        subprocess.run(  # noqa: S603
            [str(self.bin / "pg_dump"), *where, "--no-owner", "-f", str(partial)], check=True, capture_output=True
        )
        partial.replace(path)

    def restore(self, path: Path) -> None:
        load = [*self.psql_command(), "-q", "-v", "ON_ERROR_STOP=1", "-f", str(path)]
        subprocess.run(load, check=True, capture_output=True)  # noqa: S603

    def psql_command(self, database: str = "faults") -> list[str]:
        return [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-X"]

    def psql(self, sql: str, *, database: str = "faults") -> str:
        answer = subprocess.run(  # noqa: S603
            [*self.psql_command(database), "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            check=True,
            capture_output=True,
            text=True,
        )
        return answer.stdout.strip()

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(OSError, ValueError):
                self.resume()
                os.kill(self.postmaster, signal.SIGQUIT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


def psql_binary() -> Path | None:
    """psql is under the server's bin only in some packagings; Debian puts it there too."""
    found = postgres_bin()
    return found / "psql" if found and (found / "psql").exists() else None


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL of the fault tests' own, with an empty database `faults` (the `world` fixture migrates it)."""
    if postgres_bin() is None or psql_binary() is None:
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: the PostgreSQL server refuses to run as root")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` OS user to run the server as")
    base = Path(tempfile.mkdtemp(prefix="prevent-faults-pg-"))
    server = Postgres(base)
    try:
        server.initdb()
        server.start()
        server.psql("CREATE DATABASE faults", database="postgres")
        server.files.mkdir()
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


class Redis:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        where = ("--port", str(self.port), "--bind", "127.0.0.1")
        nothing_on_disk = ("--save", "", "--appendonly", "no")
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server") or "redis-server", *where, *nothing_on_disk],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, seconds=10, process=self.process)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def hang(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Redis | None]:
    """A Redis of the fault tests' own, or None where redis-server is not installed (the cache's tests skip)."""
    if shutil.which("redis-server") is None:
        yield None
        return
    server = Redis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def app_env(database_url: str, files: Path, **extra: str) -> dict[str, str]:
    """The environment of the app's processes: the fault database, and files and checkpoints of their own under
    `files`, never the developer's."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CACHE_", "AUDIT_", "DJANGO_"))}
    return {
        **clean,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url,
        "AUDIT_CHECKPOINT_PATH": str(files / "audit-checkpoints.log"),
        "MEDIA_ROOT": str(files / "media"),
        "JOB_FILES_ROOT": str(files / "job-files"),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


class App:
    """The app served by gunicorn (sync workers, as in production) on a port of its own."""

    def __init__(self, env: dict[str, str], *, log: Path, workers: int = 2, timeout: int = 30) -> None:
        self.env, self.port, self.log = env, free_port(), log
        self.command = [PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        self.command += ["--workers", str(workers), "--timeout", str(timeout), "--graceful-timeout", "1"]
        self.process: subprocess.Popen | None = None

    def launch(self) -> None:
        """Start gunicorn without waiting for it (its workers take seconds to import the app)."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log)  # noqa: S603

    def wait_ready(self) -> None:
        wait_for_port(self.port, seconds=60, process=self.process)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def request(
        self,
        method: str,
        path: str,
        *,
        cookies: dict[str, str],
        body: str | bytes = "",
        content_type: str = "application/x-www-form-urlencoded",
        timeout: float = 60,
    ) -> tuple[int, dict[str, str], str, float]:
        """One request on a fresh connection: (status, headers, text, seconds). A dropped connection is status 0."""
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Host": "127.0.0.1"}
        if method == "POST":
            headers["Content-Type"] = content_type
            headers["X-CSRFToken"] = cookies.get("csrftoken", "")
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            status, answer = response.status, dict(response.getheaders())
            answer["Set-Cookie"] = "; ".join(response.msg.get_all("Set-Cookie") or [])
        except (OSError, http.client.HTTPException):
            status, answer, text = 0, {}, ""
        finally:
            connection.close()
        return status, answer, text, time.perf_counter() - started

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A form with files, as a browser sends it: (body, content type)."""
    boundary = "faults-boundary-7d1f"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, data, kind) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(f"{head}Content-Type: {kind}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
