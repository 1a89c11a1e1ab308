"""The playground in a real browser (Debian's chromium via Playwright) against a real
server started on a free port of 127.0.0.1. Every non-local request is aborted."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest

import mlpkit
from mlpkit.datasets import make_playground

TF_URL = (
    "#activation=relu&batchSize=10&dataset=spiral&regDataset=reg-plane&learningRate=0.01"
    "&regularizationRate=0.001&noise=20&networkShape=6,3&seed=0.41839&showTestData=true"
    "&discretize=false&percTrainData=70&x=true&y=true&xTimesY=false&xSquared=true"
    "&ySquared=true&cosX=false&sinX=true&cosY=false&sinY=true&collectStats=false"
    "&problem=classification&initZero=false&hideText=false&regularization=L2"
)


def _first_frame(page):
    page.wait_for_function("window.playground.frames > 0 && window.playground.serverSettings",
                           timeout=15000)  # fmt: skip


def test_offline_page_learns_xor(page_factory):
    page = page_factory("#dataset=xor&learningRate=0.1&seed=1")
    _first_frame(page)
    assert page.errors == []
    page.click("#play")
    # The test loss as the page shows it, read at the moment it falls below 0.1.
    shown = page.wait_for_function(
        "(() => { const t = document.getElementById('loss-test').textContent;"
        " const a = document.getElementById('acc-test').textContent;"
        " return t !== '\u2013' && parseFloat(t) < 0.1 ? [t, a] : false; })()",
        timeout=30000,
    ).json_value()
    assert float(shown[0]) < 0.1
    assert float(shown[1]) > 0.9
    page.click("#play")  # pause
    page.wait_for_function("document.getElementById('status').textContent === 'paused'")
    assert page_factory.blocked == []  # the page never asked for anything off this server
    assert page.errors == []


def test_page_losses_equal_mlpkit_in_python(page_factory):
    page = page_factory("#dataset=circle&seed=11&learningRate=0.03&batchSize=5")
    _first_frame(page)
    for k in range(1, 6):
        page.click("#step")
        page.wait_for_function(f"window.playground.frame.epoch === {k}")
    hist = page.evaluate("window.playground.history")
    X, y = make_playground("circle", 500, noise=0.0, random_state=11)
    X = X.astype(np.float32)
    net = mlpkit.MLP([2, 4, 2, 1], activation="tanh", output="logistic", random_state=11)
    tr = mlpkit.Trainer(net, mlpkit.SGD(0.03), batch_size=5, random_state=11, n_threads=1)
    h = tr.run(X[:250], y[:250], epochs=5, validation_data=(X[250:], y[250:]))
    assert [p[0] for p in hist] == [0, 1, 2, 3, 4, 5]
    assert [p[1] for p in hist[1:]] == h.loss
    assert [p[2] for p in hist[1:]] == h.val_loss
    assert page.text_content("#loss-test") == f"{h.val_loss[-1]:.3f}"
    for k, W in enumerate(page.evaluate("window.playground.frame.weights")):
        np.testing.assert_array_equal(np.array(W, dtype=np.float32), net.weights[k])
    for k, b in enumerate(page.evaluate("window.playground.frame.biases")):
        np.testing.assert_array_equal(np.array(b, dtype=np.float32), net.biases[k])


def test_tensorflow_playground_url_and_round_trip(page_factory):
    page = page_factory(TF_URL)
    _first_frame(page)
    s = page.evaluate("window.playground.serverSettings")
    assert s["activation"] == "relu" and s["networkShape"] == [6, 3]
    assert s["dataset"] == "spiral" and s["noise"] == 20 and s["percTrainData"] == 70
    assert s["learningRate"] == 0.01 and s["regularization"] == "L2"
    assert s["regularizationRate"] == 0.001 and s["batchSize"] == 10
    assert [s[k] for k in ("x", "y", "xSquared", "ySquared", "sinX", "sinY", "xTimesY")] == [
        True, True, True, True, True, True, False,
    ]  # fmt: skip
    assert page.evaluate("window.playground.state.showTestData") is True
    assert page.input_value("#activation") == "relu"
    assert page.text_content("#n-layers") == "2"
    assert page.evaluate("window.playground.frame.shape") == [6, 6, 3, 1]
    # Round trip: the hash this page wrote opens the same state in a new tab.
    hash_ = page.evaluate("location.hash")
    page2 = page_factory(hash_)
    _first_frame(page2)
    assert page2.evaluate("window.playground.serverSettings") == s
    assert page2.evaluate("location.hash") == hash_
    # Changing a control updates the hash, which restores it again.
    page2.select_option("#optimizer", "adam")
    page2.wait_for_function("window.playground.serverSettings.optimizer === 'adam'")
    page3 = page_factory(page2.evaluate("location.hash"))
    _first_frame(page3)
    assert page3.evaluate("window.playground.serverSettings.optimizer") == "adam"


def test_editing_a_weight_changes_the_output(page_factory):
    page = page_factory("#seed=3")
    _first_frame(page)
    before = page.evaluate("window.playground.frame.heat")
    page.on("dialog", lambda d: d.accept("4.5"))
    page.click("#link-0-0-0", force=True)
    page.wait_for_function("window.playground.frame.weights[0][0][0] === 4.5")
    assert page.evaluate("window.playground.frame.heat") != before
    page.click("#bias-2-0", force=True)
    page.wait_for_function("window.playground.frame.biases[2][0] === 4.5")


def test_csv_upload_trains_and_bad_csv_is_explained(page_factory, tmp_path):
    rng = np.random.default_rng(0)
    P = rng.uniform(-3, 3, (300, 2))
    good = tmp_path / "points.csv"
    good.write_text("x1,x2,label\n" + "\n".join(f"{a:.4f},{b:.4f},{int(a > b)}" for a, b in P))
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,2,0\n3,nan,1\n1,1,0\n2,2,1\n")
    page = page_factory("#seed=2&learningRate=0.1")
    _first_frame(page)
    page.set_input_files("#upload", str(bad))
    page.wait_for_function("window.playground.errors.length > 0")
    assert "finite" in page.text_content("#message")
    page.set_input_files("#upload", str(good))
    page.wait_for_function("window.playground.serverSettings.dataset === 'custom'")
    assert page.evaluate("window.playground.data.train.length") == 150
    first = page.evaluate("window.playground.history[0][1]")
    page.click("#play")
    page.wait_for_function("window.playground.frame.epoch >= 20", timeout=20000)
    page.click("#play")
    assert page.evaluate("window.playground.history.at(-1)[1]") < 0.5 * first
    # A click on the output adds a point of the chosen class.
    page.click("#heat-wrap", position={"x": 30, "y": 30})
    page.wait_for_function("window.playground.data.train.length === 151")


def _ws_url(server: str) -> str:
    return server.replace("http://", "ws://") + "ws"


def test_twenty_sessions_and_the_limit_page(page_factory, server):
    from websockets.sync.client import connect

    counts = [0] * 20
    stop = threading.Event()
    ready = threading.Barrier(21)
    errors: list[str] = []

    def client(i: int) -> None:
        try:
            with connect(_ws_url(server), max_size=None) as ws:
                assert json.loads(ws.recv(timeout=10))["type"] == "hello"
                ws.send(json.dumps({"type": "play"}))
                ready.wait(timeout=60)
                while not stop.is_set():
                    m = json.loads(ws.recv(timeout=30))
                    if m["type"] == "frame":
                        counts[i] += 1
                        ws.send('{"type": "ack"}')
        except Exception as exc:  # reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(20)]
    for t in threads:
        t.start()
    try:
        ready.wait(timeout=60)
    except threading.BrokenBarrierError:
        raise AssertionError(f"a client failed: {errors}") from None
    time.sleep(1.0)
    # The 21st: a browser tab gets the "server full" page, a WebSocket the 'full' message.
    page = page_factory()
    assert page.text_content("h1") == "Server full"
    with connect(_ws_url(server)) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "full"
    before = list(counts)
    time.sleep(1.5)
    stop.set()
    for t in threads:
        t.join(timeout=35)
    assert errors == []
    assert min(before) >= 3, before  # every session got frames
    assert all(c > b for c, b in zip(counts, before)), (before, counts)  # and kept running
    # Once they are gone, a new tab gets the playground again.
    page2 = page_factory()
    _first_frame(page2)


def test_malformed_messages_get_an_error_and_the_session_survives(server):
    from websockets.sync.client import connect

    bad = [
        "not json",
        "[1, 2, 3]",
        '{"type": "launch"}',
        '{"type": "play", "now": true}',
        '{"type": "settings", "settings": {"networkShape": [64, 64]}}',
        '{"type": "settings", "settings": {"networkShape": [4, 4, 4, 4, 4, 4, 4, 4, 4]}}',
        '{"type": "settings", "settings": {"learningRate": -1}}',
        '{"type": "settings", "settings": {"hacker": 1}}',
        '{"type": "edit", "kind": "weight", "layer": 9, "from": 0, "to": 0, "value": 1}',
        '{"type": "upload", "csv": "a,b\\n1,2"}',
        '{"type": "step", "x": "' + "a" * 50_000 + '"}',
        "x" * 1_500_000,
    ]
    with connect(_ws_url(server), max_size=None) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "hello"
        ws.send('{"type": "settings", "settings": {"seed": 1}}')  # the page's first message
        assert json.loads(ws.recv(timeout=10))["type"] == "frame"
        ws.send('{"type": "ack"}')
        for text in bad:
            ws.send(text)
            m = json.loads(ws.recv(timeout=10))
            while m["type"] == "frame":  # a redraw after an applied command
                ws.send('{"type": "ack"}')
                m = json.loads(ws.recv(timeout=10))
            assert m["type"] == "error" and m["message"], text[:40]
        ws.send(b"\x00binary")
        assert json.loads(ws.recv(timeout=10))["type"] == "error"
        ws.send('{"type": "step"}')
        epochs = []
        while not epochs or epochs[-1] < 1:
            m = json.loads(ws.recv(timeout=10))
            if m["type"] == "frame":
                epochs.append(m["epoch"])
                ws.send('{"type": "ack"}')
        assert epochs[-1] == 1


@pytest.mark.parametrize("kind", ["model", "script", "onnx"])
def test_export_downloads(page_factory, kind, tmp_path):
    page = page_factory("#seed=1")
    _first_frame(page)
    with page.expect_download() as info:
        page.click(f"#export-{kind}")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    if kind == "model":
        m = mlpkit.load(path)
        assert m.net.layer_sizes == [2, 4, 2, 1]
    elif kind == "script":
        assert "mlpkit.Trainer(" in path.read_text()
    else:
        assert path.stat().st_size > 100


def _net_from_page(page, activation: str, output: str = "logistic") -> mlpkit.MLP:
    """An MLP holding exactly the weights the page shows (float32, as sent)."""
    shape = page.evaluate("window.playground.frame.shape")
    W = page.evaluate("window.playground.frame.weights")
    b = page.evaluate("window.playground.frame.biases")
    net = mlpkit.MLP(shape, activation=activation, output=output)
    net.params = np.concatenate([np.concatenate([np.ravel(w), bb]) for w, bb in zip(W, b)]).astype(
        np.float32
    )
    return net


def test_preset_regions_and_gradients_equal_mlpkit_analysis(page_factory):
    from mlpkit.analysis import count_linear_regions_2d, gradient_norms

    page = page_factory("#preset=convex-regions")
    _first_frame(page)
    assert "Convex polygons" in page.text_content("#caption")
    for k in range(1, 4):
        page.click("#step")
        page.wait_for_function(f"window.playground.frame.epoch === {k}")
    page.wait_for_function("window.playground.regionCount !== undefined")
    net = _net_from_page(page, "relu")
    expected = count_linear_regions_2d(net, ((-6.0, 6.0), (-6.0, 6.0)))
    shown = page.text_content("#regions-info")
    assert shown.startswith(f"linear regions: {expected}")
    assert "(Zaslavsky): 7" in shown  # 3 units, 2 inputs: 1 + 3 + 3
    polygons = page.evaluate("window.playground.frame.regions.polygons.length")
    assert polygons == expected
    # The gradient bars: mlpkit.analysis.gradient_norms on the page's weights and data.
    data = page.evaluate("window.playground.data")
    Xtr = np.array(data["train"], dtype=np.float32)
    grads = gradient_norms(net, Xtr, np.array(data["train_y"]))
    shown_grads = page.evaluate("window.playground.frame.gradients.weight_grad")
    # The page's points are rounded to 3 decimals for drawing: equal to that precision.
    np.testing.assert_allclose(shown_grads, grads["weight_grad"], rtol=2e-2)
