"""gunicorn settings. gevent workers: a live job fair holds thousands of Server-Sent Events streams open,
and a green thread per stream costs kilobytes where a thread per stream would cost megabytes."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gevent"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_connections = 2000
timeout = 60
graceful_timeout = 20
keepalive = 5
accesslog = "-"
# Paths only: query strings can carry what people typed.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'


def post_worker_init(worker):
    # The first recommendation after a start must not pay for loading the model and building the open
    # postings' index: each worker does it once, before it accepts requests (the other worker serves).
    from market import warm

    warm(worker.wsgi)
