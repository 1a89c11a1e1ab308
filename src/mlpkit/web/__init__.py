"""``mlpkit playground``: the lectures' interactive visualisation, trained by mlpkit.

A local web server (Starlette + uvicorn, the ``[web]`` extra) streams frames from
sessions that each own an :class:`mlpkit.MLP` and an :class:`mlpkit.Trainer`; the page
(static HTML/CSS/JS in ``static/``, no CDN, no build step) only draws them and sends the
user's settings back. The training is mlpkit's own, never a JavaScript copy.

Modules
-------
settings
    The settings a page may send, their limits, and strict validation.
data
    The datasets (TensorFlow Playground's and the lectures'), input features, CSV upload.
session
    One session: network, trainer, frame encoding, exports (``.mlpkit``, ONNX, a script).
server
    The Starlette app, the session manager and its round-robin scheduler.
cli
    ``mlpkit playground [--host] [--port] [--no-browser]``.

Only :mod:`server` and :mod:`cli`'s ``run`` need the ``[web]`` extra; the others use
NumPy and mlpkit alone (the exported script can import nothing from here).
"""

from __future__ import annotations

__all__: list[str] = []
