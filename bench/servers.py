"""Servers the fault drills (bench/faults.py) and the two-host test start and stop: a private PostgreSQL
cluster (initdb and pg_ctl, never the shared server), a private Redis, and the site under gunicorn.

Each is a child of this process (search.process: it dies with its parent and logs to a file of its own).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from search.process import Child, start

ROOT = Path(__file__).resolve().parent.parent


# ---- PostgreSQL: a cluster of our own under /tmp ----

def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries Debian installed (/usr/lib/postgresql/<version>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


@dataclass
class PrivatePostgres:
    """A throw-away cluster on 127.0.0.1:<port>; PostgreSQL refuses to run as root, so as root every
    command runs as the ``postgres`` user."""

    bin: Path
    home: Path
    port: int

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/market"

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, cwd="/tmp")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.home / "server.log"), "-o", options, "-w",
                  "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends every session at once (what a restart or a failover does to the site)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def ready(self) -> bool:
        return self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode == 0

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.home, ignore_errors=True)


def start_postgres(port: int) -> PrivatePostgres:
    """initdb a new cluster under /tmp, start it on ``port`` and create the database ``market``."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    home = Path(tempfile.mkdtemp(prefix="market-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    pg = PrivatePostgres(bin_dir, home, port)
    try:
        pg._run("initdb", "-D", str(pg.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale")
        pg.start()
        pg._run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "market")
    except subprocess.CalledProcessError as exc:
        pg.destroy()
        raise RuntimeError(f"the private PostgreSQL did not start: {exc.stderr or exc.stdout}") from None
    return pg


# ---- Redis: a server of our own, killed and started again on the same port ----

@dataclass
class PrivateRedis:
    port: int
    home: Path
    child: Child | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")

        def ready() -> bool:
            try:
                return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
            except redis.RedisError:
                return False

        self.child = start("redis", [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                     "--appendonly", "no", "--dir", str(self.home)],
                           log_path=self.home / "redis.log", ready=ready, timeout=20)

    def kill(self) -> None:
        """SIGKILL: the server is gone at once, as a crashed host would be."""
        if self.child is not None:
            self.child.process.kill()
            self.child.stop()


def start_redis(port: int) -> PrivateRedis:
    server = PrivateRedis(port, Path(tempfile.mkdtemp(prefix="market-redis-", dir="/tmp")))
    server.start()
    return server


# ---- the site under gunicorn ----

def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=5).status_code in (200, 503)
    except requests.RequestException:
        return False


def start_site(port: int, env: dict[str, str], *, log_dir: Path, workers: int = 1, timeout: float = 90,
               wait: bool = True) -> Child:
    """gunicorn -c gunicorn.conf.py (gevent workers) on 127.0.0.1:<port>; ready once /healthz answers.

    ``wait=False`` returns at once (start several, then ``wait_for_sites``). Start them from the main thread:
    a child dies with the thread that started it (PR_SET_PDEATHSIG)."""
    url = f"http://127.0.0.1:{port}"
    full = dict(os.environ, **env, WEB_CONCURRENCY=str(workers), PYTHONPATH=str(ROOT))
    return start(f"site on {port}", [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                                     "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "wsgi:app"],
                 log_path=log_dir / f"site-{port}.log", ready=(lambda: _answers(url)) if wait else (lambda: True),
                 cwd=ROOT, env=full, timeout=timeout, url=url)


def wait_for_sites(sites: list[Child], timeout: float = 120) -> None:
    """Until every site answers /healthz; one that exits or stays silent is stopped and its log is in the error."""
    deadline = time.monotonic() + timeout
    for site in sites:
        while not _answers(site.url):
            if not site.alive() or time.monotonic() > deadline:
                for s in sites:
                    s.stop()
                raise RuntimeError(f"{site.name} did not start:\n{site.log_tail()}")
            time.sleep(0.2)


def wait_until(check, timeout: float, step: float = 0.1) -> float | None:
    """Seconds until ``check()`` was true, or None after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except (OSError, requests.RequestException):
            pass
        time.sleep(step)
    return None
