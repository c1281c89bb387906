"""``usmca serve``: the HTTP API and the dashboard (FastAPI served by uvicorn)."""

from __future__ import annotations

import socket

import typer

from usmca.errors import UserInputError

from .apps import app
from .output import err_console

#: The highest TCP port number (RFC 6335, s. 6: ports are 16-bit).
_MAX_PORT = 2**16 - 1
#: Seconds a stopping server waits for requests in flight (a whole-review request may wait half a
#: minute for its worker process; it is cut rather than holding the stop up).
GRACE_S = 5


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (0.0.0.0 for every interface)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    log_level: str = typer.Option("info", "--log-level",
                                  help="uvicorn log level (critical, error, warning, info, debug)."),
    workers: int = typer.Option(1, "--workers", help="Server processes (each loads the law, schedule and "
                                "scenario library; 2 on a 2-core machine doubles throughput when the cores are free)."),
    access_log: bool = typer.Option(False, "--access-log", help="Log every request (off by default: a line per "
                                    "request costs measurable throughput under load)."),
) -> None:
    """Serve the API (/law, /origin, /tariffs, /review, /spec) and the dashboard at /."""
    if not 1 <= port <= _MAX_PORT:
        raise UserInputError("--port", "", port, f"must be between 1 and {_MAX_PORT}")
    if not host.strip():
        raise UserInputError("--host", "", host, "must not be empty")
    levels = ("critical", "error", "warning", "info", "debug", "trace")
    if log_level not in levels:
        raise UserInputError("--log-level", "", log_level, f"one of {', '.join(levels)}")
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - a dependency of the package
        raise UserInputError("usmca serve", "", "uvicorn", "not installed: pip install 'uvicorn>=0.29'") from None
    if not 1 <= workers <= 64:
        raise UserInputError("--workers", "", workers, "must be between 1 and 64")
    _check_bindable(host, port)
    from usmca.api import create_app
    from usmca.api.app import warm_up

    err_console.print(f"usmca: dashboard at http://{host}:{port}/ , API specification at /spec", highlight=False)
    if workers > 1:  # each worker process builds and warms its own application
        uvicorn.run("usmca.api.app:served_app", factory=True, host=host, port=port, log_level=log_level,
                    workers=workers, access_log=access_log, timeout_graceful_shutdown=GRACE_S)
        return
    application = create_app()
    spent = warm_up(application)
    err_console.print("usmca: loaded " + ", ".join(f"{k} ({v:.1f} s)" for k, v in spent.items()), highlight=False)
    uvicorn.run(application, host=host, port=port, log_level=log_level, access_log=access_log,
                timeout_graceful_shutdown=GRACE_S)


def _check_bindable(host: str, port: int) -> None:
    """Fail with one line (exit 2) when ``host:port`` cannot be listened on, before uvicorn starts.

    Raises
    ------
    UserInputError
        When the host does not resolve or the port is taken.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UserInputError("--host", "", host, f"cannot resolve ({exc.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            reason = f"cannot listen on {host}:{port} ({exc.strerror or exc})"
            raise UserInputError("--port", "", port, reason) from None
