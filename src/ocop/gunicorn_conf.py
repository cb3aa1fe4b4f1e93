"""gunicorn's configuration for production (`make serve-prod`, docs/deploy.md).

    gunicorn -c python:ocop.gunicorn_conf ocop.wsgi

Everything is read from the environment (an empty variable counts as unset):

- workers: OCOP_WEB_WORKERS, else WEB_CONCURRENCY, else 2 x the CPUs this process may use + 1;
  OCOP_WEB_THREADS > 1 gives each worker that many threads (gunicorn's gthread worker);
- bind: OCOP_BIND (e.g. ``unix:/run/ocop/gunicorn.sock``), else HOST:PORT (127.0.0.1:8000);
- OCOP_FORWARDED_ALLOW_IPS: the proxies whose X-Forwarded-Proto gunicorn believes
  (127.0.0.1,::1: nginx on the same machine);
- OCOP_ACCESS_LOG (``-`` standard output, a file, or ``off``), OCOP_LOG_LEVEL;
- OCOP_WEB_TIMEOUT (a request's limit, 60 s: the PDFs in bulk run in the background worker),
  OCOP_GRACEFUL_TIMEOUT (30 s for the requests in flight at a restart or stop),
  OCOP_MAX_REQUESTS / OCOP_MAX_REQUESTS_JITTER (a worker is replaced after 1000 ± 100 requests,
  so that a slow leak never grows; 0 turns it off);
- OCOP_CONTROL_SOCKET: gunicorn's control socket (``gunicornc``); off unless set, so that several
  servers on one machine never fight over ~/.gunicorn/gunicorn.ctl.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def _value(environ: Mapping[str, str], name: str) -> str:
    return (environ.get(name) or "").strip()


def _whole(environ: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = _value(environ, name)
    if not raw:
        return default
    try:
        number = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None
    if number < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, not {number}")
    return number


def cpu_count() -> int:
    """The CPUs this process may run on (a container's or a taskset's limit), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def workers_for(environ: Mapping[str, str], cpus: int) -> int:
    """OCOP_WEB_WORKERS, else WEB_CONCURRENCY, else 2 x cpus + 1 (gunicorn's advice)."""
    default = _whole(environ, "WEB_CONCURRENCY", 2 * cpus + 1, minimum=1)
    return _whole(environ, "OCOP_WEB_WORKERS", default, minimum=1)


def bind_for(environ: Mapping[str, str]) -> list[str]:
    """OCOP_BIND, else HOST:PORT (an IPv6 host in brackets)."""
    explicit = _value(environ, "OCOP_BIND")
    if explicit:
        return [item.strip() for item in explicit.split(",") if item.strip()]
    host = _value(environ, "HOST") or "127.0.0.1"
    port = _whole(environ, "PORT", 8000, minimum=1)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return [f"{host}:{port}"]


_env = os.environ

wsgi_app = "ocop.wsgi:application"
proc_name = "ocop"
bind = bind_for(_env)
workers = workers_for(_env, cpu_count())
threads = _whole(_env, "OCOP_WEB_THREADS", 1, minimum=1)
worker_class = "gthread" if threads > 1 else "sync"

timeout = _whole(_env, "OCOP_WEB_TIMEOUT", 60, minimum=1)
graceful_timeout = _whole(_env, "OCOP_GRACEFUL_TIMEOUT", 30, minimum=1)
keepalive = 5  # behind nginx's keepalive upstream connections
max_requests = _whole(_env, "OCOP_MAX_REQUESTS", 1000)
max_requests_jitter = _whole(_env, "OCOP_MAX_REQUESTS_JITTER", max_requests // 10)

# Only these addresses may tell gunicorn the request came over HTTPS (X-Forwarded-Proto); Django
# reads the same header only with OCOP_BEHIND_PROXY=True (settings.SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = _value(_env, "OCOP_FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"

# The heartbeat files of the workers in memory, not on a disk that may stall (containers).
_SHM = "/dev/shm"  # noqa: S108 (a directory gunicorn creates its own files in)
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM

_control = _value(_env, "OCOP_CONTROL_SOCKET")
if _control:
    control_socket = _control
else:
    control_socket_disable = True

_access = _value(_env, "OCOP_ACCESS_LOG") or "-"
accesslog = None if _access.lower() == "off" else _access
errorlog = "-"
loglevel = (_value(_env, "OCOP_LOG_LEVEL") or "info").lower()
# The client (X-Forwarded-For when a proxy sets it), the request, status, size, duration (ms),
# the referrer and the user agent; one line per request.
access_log_format = '%(h)s %({x-forwarded-for}i)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
