"""gunicorn settings. gevent workers: a live job fair holds thousands of Server-Sent Events streams open,
and a green thread per stream costs kilobytes where a thread per stream would cost megabytes."""

import os
import resource

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gevent"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Open streams per worker: each viewer of a live fair holds one. Two workers take 20,000 viewers.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
timeout = 60
graceful_timeout = 20
keepalive = 5
accesslog = "-"
# Paths only: query strings can carry what people typed.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'


def _raise_open_files(wanted: int = 20000) -> None:
    """A stream is a socket is a file descriptor: lift the soft limit (often 1024) as far as the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


_raise_open_files()


def post_worker_init(worker):
    # The first recommendation after a start must not pay for loading the model and building the open
    # postings' index: each worker does it once, before it accepts requests (the other worker serves).
    from market import warm

    warm(worker.wsgi)
