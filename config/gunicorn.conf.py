"""gunicorn's settings, from the environment: `gunicorn -c config/gunicorn.conf.py config.wsgi`
(production) and `passeport run` use this one file.

gunicorn is not meant to face slow clients itself: in production it sits behind a buffering
reverse proxy that receives whole requests before passing them on (README « Production
layout »). The worker class, threads and timeouts are the environment's to tune.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A deposit of the largest flux is received and checked within one request (about 200 MB).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "5"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
limit_request_line = 8190
limit_request_fields = 100

# Access log on stdout, through the project's formatter: share links' tokens carried in paths
# (`/p/sh_…`) are masked like everywhere else (passeport/core/logging.py).
accesslog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "redacted": {"()": "passeport.core.logging.RedactingFormatter", "format": "%(message)s"},
        "error": {
            "()": "passeport.core.logging.RedactingFormatter",
            "format": "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s",
        },
    },
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "redacted",
        },
        "error": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "error",
        },
    },
    "root": {"level": "INFO", "handlers": ["error"]},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}
