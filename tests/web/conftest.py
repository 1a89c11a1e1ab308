"""Fixtures for the playground's tests: a real server and a real browser.

The server is ``python -m mlpkit playground --port 0 --no-browser`` in a subprocess (the
command a user runs), bound to 127.0.0.1; the browser is Debian's chromium driven by
Playwright (never ``playwright install``), with every request that does not go to the
server aborted, so a page that needed the network would fail.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the playground needs mlpkit[web]")
pytest.importorskip("playwright", reason="the browser tests need playwright")

SRC = str(Path(__file__).resolve().parents[2] / "src")
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The base URL of a playground server started for this module."""
    env = dict(os.environ, PYTHONPATH=SRC, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlpkit", "playground", "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    url = None
    deadline = time.monotonic() + 30
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if m:
            url = m.group(1)
            break
    if url is None:
        proc.kill()
        raise RuntimeError("the playground server did not start:\n" + "".join(lines))
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield b
        b.close()


@pytest.fixture
def page_factory(browser, server):
    """New pages in a context that aborts every request not to the server."""
    contexts = []
    blocked: list[str] = []

    def make(hash_: str = ""):
        ctx = browser.new_context(viewport={"width": 1280, "height": 800})

        def route(r):
            if r.request.url.startswith(server.rstrip("/")) or r.request.url.startswith("ws"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        contexts.append(ctx)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.errors = errors  # type: ignore[attr-defined]
        page.goto(server + hash_)
        return page

    make.blocked = blocked  # type: ignore[attr-defined]
    yield make
    for ctx in contexts:
        ctx.close()
