"""The playground's web server: Starlette routes, sessions, and a fair scheduler.

* ``GET /`` serves the page (``static/index.html``), or the "server full" page when
  :attr:`Manager.max_sessions` sessions are open.
* ``/ws`` is one WebSocket per browser tab, hence one :class:`~.session.Session`.
* ``GET /export/{session}/{kind}`` downloads the session's model (``.mlpkit``), its ONNX
  graph or a Python script reproducing the run.

Scheduling. All training and drawing runs in ONE worker thread (NumPy releases the GIL
in its kernels, but two trainings would only fight over the same cores): the scheduler
task picks the next session, in round-robin order, that has work and whose previous
frame the page has acknowledged (back-pressure: a slow page gets fewer frames instead of
a growing queue), runs :meth:`Session.work` in the worker, and hands the result to a
sending task. Each turn is one epoch, so every session gets the same share.

Limits. At most ``max_sessions`` sessions (default 20), networks of at most 8 × 32,
data sets of at most 5000 points, messages of at most 1.2 MB, and a session that
receives nothing from its page for ``idle_timeout`` seconds is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from .data import DataError
from .session import MessageError, Session, parse_message
from .settings import (
    ACTIVATION_CHOICES,
    CLASSIFICATION_SETS,
    MAX_LAYERS,
    MAX_UNITS,
    REGRESSION_SETS,
    SettingsError,
)

__all__ = ["FULL_PAGE", "Manager", "create_app"]

FULL_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Server full</title>
<style>body{font-family:sans-serif;max-width:36em;margin:4em auto;color:#333}</style></head>
<body><h1 id="full">Server full</h1><p>This playground already has {n} sessions open, its
limit. Close a tab, or try again in a minute; the other sessions keep running.</p></body></html>
"""


class Client:
    """A connected page: its session, its socket and the scheduler's flags."""

    def __init__(self, ws: WebSocket, session: Session | None = None):
        self.id = secrets.token_urlsafe(12)
        self.ws = ws
        self.session = session
        self.awaiting_ack = False
        self.last_input = time.monotonic()
        self.closed = False
        self.frames_sent = 0


class Manager:
    """Sessions, the worker thread and the round-robin scheduler.

    Parameters
    ----------
    max_sessions : int
        Pages beyond this get the "server full" page.
    idle_timeout : float
        Seconds without a message from a page (acknowledgements excluded) after which its
        session is closed.
    """

    def __init__(self, max_sessions: int = 20, idle_timeout: float = 1800.0):
        self.max_sessions = max_sessions
        self.idle_timeout = idle_timeout
        self.clients: dict[str, Client] = {}
        self.order: list[str] = []
        self._next = 0
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlpkit-playground")
        self._wake: asyncio.Event | None = None
        self._tasks: list[asyncio.Task[Any]] = []

    # ---------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        self._wake = asyncio.Event()
        self._tasks = [asyncio.create_task(self._schedule()), asyncio.create_task(self._reap())]

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self.worker.shutdown(wait=True, cancel_futures=True)

    def wake(self) -> None:
        if self._wake is not None:
            self._wake.set()

    @property
    def full(self) -> bool:
        return len(self.clients) >= self.max_sessions

    # ---------------------------------------------------------------- scheduling
    def _pick(self) -> Client | None:
        """The next client after the last one served that is ready (round robin)."""
        n = len(self.order)
        for i in range(n):
            cid = self.order[(self._next + i) % n]
            c = self.clients.get(cid)
            if c and c.session and not c.closed and not c.awaiting_ack and c.session.wants_work():
                self._next = (self._next + i + 1) % n
                return c
        return None

    async def _schedule(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._wake is not None
        while True:
            client = self._pick()
            if client is None:
                await self._wake.wait()
                self._wake.clear()
                continue
            assert client.session is not None
            try:
                out = await loop.run_in_executor(self.worker, client.session.work)
            except Exception as exc:  # a bug must not stop the other sessions
                out = [{"type": "error", "message": f"Internal error: {exc}"}]
                client.session.playing = False
            if any(m["type"] == "frame" for m in out):
                client.awaiting_ack = True
            asyncio.create_task(self._send(client, out))

    async def _send(self, client: Client, messages: list[dict[str, Any]]) -> None:
        try:
            for m in messages:
                await client.ws.send_text(json.dumps(m, separators=(",", ":")))
                if m["type"] == "frame":
                    client.frames_sent += 1
        except Exception:  # the page went away; its receive loop cleans up
            client.closed = True

    async def _reap(self) -> None:
        while True:
            await asyncio.sleep(min(30.0, self.idle_timeout / 4))
            now = time.monotonic()
            for c in list(self.clients.values()):
                if now - c.last_input > self.idle_timeout:
                    with contextlib.suppress(Exception):
                        await c.ws.send_text(json.dumps({"type": "error", "message":
                            f"Session closed after {self.idle_timeout / 60:g} minutes without "
                            "input. Reload the page to start again."}))  # fmt: skip
                        await c.ws.close(code=1000)
                    self._remove(c)

    def _remove(self, c: Client) -> None:
        c.closed = True
        self.clients.pop(c.id, None)
        if c.id in self.order:
            self.order.remove(c.id)
            self._next = 0

    # ---------------------------------------------------------------- one page
    async def serve(self, ws: WebSocket) -> None:
        """One page's WebSocket: hello, then validated messages until it closes."""
        await ws.accept()
        if self.full:
            page = FULL_PAGE.replace("{n}", str(self.max_sessions))
            await ws.send_text(json.dumps({"type": "full", "message": page}))
            await ws.close(code=1013)  # "try again later"
            return
        client = Client(ws)
        self.clients[client.id] = client
        self.order.append(client.id)
        await ws.send_text(json.dumps({
            "type": "hello", "session": client.id,
            "limits": {"layers": MAX_LAYERS, "units": MAX_UNITS},
            "choices": {"activations": ACTIVATION_CHOICES, "dataset": CLASSIFICATION_SETS,
                        "regDataset": REGRESSION_SETS},
        }))  # fmt: skip
        self.wake()
        try:
            while True:
                raw = await ws.receive()
                if raw["type"] == "websocket.disconnect":
                    break
                text = raw.get("text")
                if text is None:
                    text = raw.get("bytes")
                try:
                    msg = parse_message(text)
                except MessageError as exc:
                    await ws.send_text(json.dumps({"type": "error", "message": str(exc)}))
                    continue
                if client.session is None:
                    # The page's first message is its settings (from the URL hash): the
                    # session starts with them, so no frame of other settings is drawn.
                    client.session = await self._new_session(ws, msg)
                    if msg["type"] == "settings":
                        msg = {"type": "ack"}
                if msg["type"] == "ack":
                    client.awaiting_ack = False
                else:
                    client.last_input = time.monotonic()
                    client.session.inbox.append(msg)
                self.wake()
        except WebSocketDisconnect:
            pass
        finally:
            self._remove(client)

    async def _new_session(self, ws: WebSocket, first: dict[str, Any]) -> Session:
        loop = asyncio.get_running_loop()
        if first["type"] == "settings":
            try:
                return await loop.run_in_executor(self.worker, Session, first["settings"])
            except (SettingsError, DataError) as exc:
                note = f"{exc} The playground starts with its defaults."
                await ws.send_text(json.dumps({"type": "error", "message": note}))
        return await loop.run_in_executor(self.worker, Session)

    async def export(self, session_id: str, kind: str) -> tuple[bytes, str, str] | None:
        client = self.clients.get(session_id)
        if client is None or client.session is None:
            return None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.worker, client.session.export, kind)


def _static(name: str) -> str:
    return resources.files("mlpkit.web").joinpath("static", name).read_text("utf-8")


def create_app(max_sessions: int = 20, idle_timeout: float = 1800.0) -> Starlette:
    """The playground's ASGI app (serve it with uvicorn)."""
    manager = Manager(max_sessions=max_sessions, idle_timeout=idle_timeout)
    index = _static("index.html")

    async def home(request: Request) -> Response:
        if manager.full:
            page = FULL_PAGE.replace("{n}", str(manager.max_sessions))
            return HTMLResponse(page, status_code=503)
        return HTMLResponse(index)

    async def ws(websocket: WebSocket) -> None:
        await manager.serve(websocket)

    async def export(request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in ("model", "onnx", "script"):
            return Response("Unknown export; use model, onnx or script.\n", status_code=404)
        try:
            got = await manager.export(request.path_params["session"], kind)
        except Exception as exc:  # e.g. an activation ONNX cannot express
            return Response(f"Export failed: {exc}\n", status_code=400, media_type="text/plain")
        if got is None:
            return Response("No such session (it may have timed out).\n", status_code=404)
        content, filename, media = got
        return Response(
            content,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        await manager.start()
        try:
            yield
        finally:
            await manager.stop()

    static_dir = str(resources.files("mlpkit.web").joinpath("static"))
    app = Starlette(
        routes=[
            Route("/", home),
            WebSocketRoute("/ws", ws),
            Route("/export/{session}/{kind}", export),
            Mount("/static", StaticFiles(directory=static_dir), name="static"),
        ],
        lifespan=lifespan,
    )
    app.state.manager = manager
    return app
