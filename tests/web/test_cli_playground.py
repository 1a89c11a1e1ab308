"""``mlpkit playground`` as a shell user runs it: URL, Ctrl-C, missing extra, busy port."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys

from mlpkit.web.cli import _is_loopback

from .conftest import SRC

ENV = dict(os.environ, PYTHONPATH=SRC, OPENBLAS_NUM_THREADS="1")


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mlpkit", "playground", "--no-browser", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV,
    )  # fmt: skip


def test_prints_its_url_and_stops_cleanly_on_ctrl_c():
    proc = _start("--port", "0")
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert re.search(r"http://127\.0\.0\.1:\d+/", line), line
    assert "classroom" not in line
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert "stopped" in out and "Traceback" not in out


def test_busy_port_is_one_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = _start("--port", str(port))
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 1
    assert out.startswith("mlpkit: error: cannot listen on 127.0.0.1") and "--port" in out
    assert "Traceback" not in out


def test_missing_extra_gets_the_install_hint():
    code = (
        "import sys; sys.modules['uvicorn'] = None\n"  # as if mlpkit[web] were not installed
        "from mlpkit.cli import main\n"
        "sys.exit(main(['playground', '--no-browser']))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV,
                       timeout=30)  # fmt: skip
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "mlpkit: error: the playground needs uvicorn, which is not installed: "
        "pip install 'mlpkit[web]'"
    )


def test_loopback_detection_for_the_classroom_warning():
    assert _is_loopback("127.0.0.1") and _is_loopback("localhost") and _is_loopback("::1")
    assert not _is_loopback("0.0.0.0") and not _is_loopback("192.168.1.20")
