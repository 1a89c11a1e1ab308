"""``mlpkit playground [--host 127.0.0.1] [--port N] [--no-browser]``.

Registered in :mod:`mlpkit.cli` with ``add_parser(subparsers)``; :func:`run` starts
uvicorn, prints the URL, opens the browser unless told not to, and stops on Ctrl-C.
Importing this module needs nothing beyond the standard library.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import threading
import webbrowser
from typing import Any

__all__ = ["add_parser", "run", "serve"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``playground`` sub-command to an argparse ``subparsers`` object."""
    p = subparsers.add_parser(
        "playground",
        help="the interactive playground in the browser (trained by mlpkit)",
        description="Serve the mlpkit playground: TensorFlow Playground's controls, trained "
        "by mlpkit's own engine. Each browser tab is its own session.",
    )
    p.add_argument("--host", default="127.0.0.1",
                   help="interface to listen on (default 127.0.0.1: this computer only; "
                        "0.0.0.0 serves a classroom)")  # fmt: skip
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--max-sessions", type=int, default=20,
                   help="open sessions (browser tabs) at most (default 20)")  # fmt: skip
    p.add_argument("--idle-timeout", type=float, default=30.0,
                   help="minutes without input before a session closes (default 30)")  # fmt: skip
    p.set_defaults(func=run)
    return p


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str, port: int, *, max_sessions: int = 20, idle_timeout_s: float = 1800.0,
          on_ready: Any = None) -> None:  # fmt: skip
    """Run the server until interrupted. ``on_ready(url)`` is called once it listens."""
    import uvicorn

    from .server import create_app

    app = create_app(max_sessions=max_sessions, idle_timeout=idle_timeout_s)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ws_max_size=4_000_000,
                            ws="websockets-sansio", lifespan="on")  # fmt: skip
    server = uvicorn.Server(config)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{bound}/"

    def ready() -> None:
        # uvicorn sets `started` once it accepts connections.
        import time

        while not server.started and not server.should_exit:
            time.sleep(0.02)
        if server.started and on_ready is not None:
            on_ready(url)

    threading.Thread(target=ready, daemon=True).start()
    server.run(sockets=[sock])


def run(args: argparse.Namespace) -> int:
    """The ``playground`` sub-command; errors are the CLI's one-line ``CLIError``."""
    from ..cli.common import CLIError, require

    require("the playground", "web", "starlette", "uvicorn", "websockets")
    if not 0 <= args.port <= 65535:
        raise CLIError(f"--port must be 0..65535; got {args.port}.", 2)
    if args.max_sessions < 1:
        raise CLIError("--max-sessions must be at least 1.", 2)

    def on_ready(url: str) -> None:
        print(f"mlpkit playground: {url}  (Ctrl-C stops it)", flush=True)
        if not _is_loopback(args.host):
            print(
                f"mlpkit playground: listening on {args.host}, so other computers on this "
                "network (a classroom) can open it at this machine's address, port "
                f"{url.rsplit(':', 1)[1].rstrip('/')}. Anyone who can reach it can use it; "
                "there is no login.",
                flush=True,
            )
        if not args.no_browser:
            webbrowser.open(url)

    try:
        serve(args.host, args.port, max_sessions=args.max_sessions,
              idle_timeout_s=args.idle_timeout * 60, on_ready=on_ready)  # fmt: skip
    except OSError as exc:
        raise CLIError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}. "
                       "Choose another --port (0 picks a free one).") from None  # fmt: skip
    except KeyboardInterrupt:
        pass
    print("mlpkit playground: stopped", flush=True)
    return 0
