"""Start a server as a child process and stop it again: the one starter behind the local Meilisearch
(search/server.py) and the servers the benchmarks start (bench/).

The child dies with its parent (PR_SET_PDEATHSIG), writes to a log file of its own, and is ready when its
``ready`` check says so; a child that exits or never gets ready is stopped and the tail of its log is in the
error.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


class StartError(RuntimeError):
    """The child could not be started, exited, or did not get ready in time."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent() -> None:
    # Runs in the child between fork and exec: if the Python process dies without calling stop(),
    # the kernel sends the child SIGTERM instead of leaving it running with its port and lock.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log_path: Path
    url: str = ""  # where a server child answers, when it is one
    _log_file: IO[bytes] | None = field(default=None, repr=False)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout``; safe to call twice."""
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


def start(
    name: str,
    args: Sequence[str],
    *,
    log_path: Path,
    ready: Callable[[], bool],
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    url: str = "",
    keep_log_bytes: int = 5_000_000,
) -> Child:
    """Start ``args`` and return once ``ready()`` is true (polled every 0.1 s, each call may raise OSError).

    A log past ``keep_log_bytes`` is moved aside to ``<log>.1`` first, so logs do not grow for ever.
    """
    if log_path.exists() and log_path.stat().st_size > keep_log_bytes:
        log_path.replace(log_path.with_name(log_path.name + ".1"))
    log_file = open(log_path, "ab")
    process = subprocess.Popen(
        list(args), stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
        cwd=cwd, env=dict(env) if env is not None else None, preexec_fn=die_with_parent,
    )
    child = Child(name, process, log_path, url, log_file)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            child.stop()
            raise StartError(f"{name} exited with code {process.returncode}:\n{child.log_tail()}")
        try:
            if ready():
                return child
        except OSError:
            pass
        if time.monotonic() > deadline:
            child.stop()
            raise StartError(f"{name} did not get ready within {timeout:.0f} s:\n{child.log_tail()}")
        time.sleep(0.1)
