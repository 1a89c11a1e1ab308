"""The fit loop: learning works (XOR, universal approximation), validation, early
stopping, divergence, schedules, clipping, callbacks, progress and resumable state."""

import io
import math
import warnings

import numpy as np
import pytest

from mlpkit import MLP, Adam, DivergenceWarning, training
from mlpkit.training import Trainer, blas_threads_for, fit

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0])


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs", "momentum"])
def test_xor_is_solved(optimizer):
    net = MLP([2, 8, 2], activation="tanh", output="softmax", random_state=0)
    lr = {"adam": 0.05, "momentum": 0.5, "lbfgs": None}[optimizer]
    net.fit(XOR_X, XOR_Y, optimizer=optimizer, lr=lr, epochs=300, batch_size=None)
    np.testing.assert_array_equal(net.predict(XOR_X), XOR_Y)
    assert net.history_.loss[-1] < 0.05


def test_a_linear_model_cannot_solve_xor():
    # Lecture L1: without activations every depth collapses to one linear layer.
    net = MLP([2, 8, 8, 2], activation="identity", output="softmax", random_state=0)
    net.fit(XOR_X, XOR_Y, lr=0.05, epochs=300, batch_size=None)
    assert net.score(XOR_X, XOR_Y) <= 0.75


def test_error_shrinks_as_hidden_units_are_added():
    """Universal approximation (lecture L0): more hidden units, smaller error."""
    x = np.linspace(-1, 1, 200).reshape(-1, 1)
    y = np.sin(3 * np.pi * x) * np.exp(-x * x)
    errors = []
    for units in (2, 8, 64):
        net = MLP([1, units, 1], activation="relu", dtype=np.float64, random_state=0)
        net.fit(x, y, optimizer="lbfgs", epochs=2000, batch_size=None)
        errors.append(float(np.mean((net.forward(x) - y) ** 2)))
    assert errors[0] > errors[1] > errors[2], errors
    assert errors[2] < 0.2 * errors[0]


def test_history_records_every_epoch(rng):
    X, y = rng.normal(size=(100, 3)), rng.integers(0, 3, 100)
    net = MLP([3, 8, 3], output="softmax", random_state=0)
    h = net.fit(X, y, epochs=5, batch_size=16, validation_split=0.2)
    assert h.epoch == [1, 2, 3, 4, 5] and len(h.loss) == len(h.val_loss) == 5
    assert all(0 <= m <= 1 for m in h.metric + h.val_metric)
    assert h.stop_reason == "max_epochs" and "5 epochs" in repr(h)
    h2 = net.fit(X, y, epochs=3, batch_size=16)
    assert h2.epoch == list(range(1, 9))  # calling fit again continues the history
    # ... and the same Adam state: 5 epochs x 5 steps (80 rows), then 3 x 7 (100 rows).
    assert net.optimizer_.t == 5 * 5 + 3 * 7


def test_early_stopping_restores_the_best_weights(rng):
    X = rng.normal(size=(40, 5))
    y = X[:, 0] + 0.5 * rng.normal(size=40)
    Xv = rng.normal(size=(40, 5))
    yv = Xv[:, 0] + 0.5 * rng.normal(size=40)
    net = MLP([5, 64, 64, 1], random_state=0)
    snapshots = {}

    def snapshot(trainer):
        snapshots[trainer.epoch] = trainer.net.params.copy()

    h = net.fit(X, y, lr=0.01, epochs=300, batch_size=8, validation_data=(Xv, yv),
                early_stopping=True, patience=5, callbacks=[snapshot])  # fmt: skip
    assert h.stop_reason == "early_stopping" and len(h) < 300
    best = int(np.nanargmin(h.val_loss)) + 1
    assert h.best_epoch == best
    np.testing.assert_array_equal(net.params, snapshots[best])


@pytest.mark.parametrize(("act", "scale", "lr"), [("relu", 10.0, 10.0), ("tanh", 1.0, 0.5)])
def test_divergence_stops_warns_and_keeps_the_last_good_weights(act, scale, lr, rng):
    X = rng.normal(size=(64, 3)) * scale
    y = X @ np.array([1.0, -2.0, 3.0])
    net = MLP([3, 16, 1], activation=act, random_state=0)
    start = net.params.copy()
    good = {}

    def snapshot(trainer):
        good[trainer.epoch] = trainer.net.params.copy()

    with pytest.warns(DivergenceWarning, match=r"diverged in epoch .*Lower the learning rate"):
        h = net.fit(X, y, optimizer="momentum", lr=lr, epochs=200, batch_size=8,
                    callbacks=[snapshot])  # fmt: skip
    assert h.stop_reason == "diverged" and len(h) < 200
    assert np.all(np.isfinite(net.params))
    # The weights are those at the end of the last finite epoch (or the initial ones).
    np.testing.assert_array_equal(net.params, good[max(good)] if good else start)
    assert bool(good) == (act == "tanh")  # the milder run survives some epochs first


def test_clipping_bounds_the_update(rng):
    X, y = rng.normal(size=(32, 2)), rng.normal(size=32) * 1e4
    for kw in ({"clip_norm": 1e-3}, {"clip_value": 1e-4}):
        net = MLP([2, 4, 1], dtype=np.float64, random_state=0)
        before = net.params.copy()
        net.fit(X, y, optimizer="sgd", lr=1.0, epochs=1, batch_size=None, **kw)
        step = net.params - before
        if "clip_norm" in kw:
            assert np.linalg.norm(step) == pytest.approx(1e-3, rel=1e-6)
        else:
            assert np.max(np.abs(step)) <= 1e-4 + 1e-15


def test_weight_decay_shrinks_weights(rng):
    X, y = rng.normal(size=(64, 4)), rng.normal(size=64)
    norms = []
    for lam in (0.0, 0.1):
        net = MLP([4, 16, 1], random_state=0)
        net.fit(X, y, lr=0.01, epochs=50, batch_size=16, weight_decay=lam)
        norms.append(sum(float(np.sum(W * W)) for W in net.weights))
    assert norms[1] < 0.5 * norms[0]


def test_schedule_changes_the_learning_rate(rng):
    X, y = rng.normal(size=(20, 2)), rng.normal(size=20)
    net = MLP([2, 3, 1], random_state=0)
    h = net.fit(X, y, optimizer="sgd", lr=0.1, epochs=4, schedule="exponential")
    assert h.lr == pytest.approx([0.1, 0.095, 0.09025, 0.0857375])


def test_callback_can_stop_training(rng):
    X, y = rng.normal(size=(20, 2)), rng.normal(size=20)
    net = MLP([2, 3, 1], random_state=0)
    h = net.fit(X, y, epochs=100, callbacks=[lambda t: t.epoch >= 3])
    assert len(h) == 3 and h.stop_reason == "callback"


def test_progress_prints_plain_lines_to_a_log(rng):
    X, y = rng.normal(size=(20, 2)), rng.normal(size=20)
    stream = io.StringIO()
    trainer = Trainer(MLP([2, 3, 1], random_state=0), verbose=1, stream=stream)
    trainer.run(X, y, epochs=3)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("epoch 1/3  loss ") and "  r2 " in lines[0]
    assert lines[-2].startswith("epoch 3/3") and lines[-1] == "stopped: max_epochs"
    assert "\r" not in stream.getvalue()


def test_trainer_state_resumes_to_the_bit(rng):
    X, y = rng.normal(size=(50, 3)), rng.integers(0, 2, 50)

    def make():
        net = MLP([3, 8, 2], output="softmax", dropout=0.1, random_state=3)
        return Trainer(net, "adam", batch_size=8, schedule="plateau")

    full = make()
    full.run(X, y, epochs=6, validation_split=0.2)
    first = make()
    first.run(X, y, epochs=3, validation_split=0.2)
    state = first.state_dict()
    resumed = make()
    resumed.load_state_dict(state)
    resumed.run(X, y, epochs=6, validation_split=0.2)
    np.testing.assert_array_equal(resumed.net.params, full.net.params)
    assert resumed.history.loss == full.history.loss


def test_sample_weights_zero_out_samples(rng):
    X, y = rng.normal(size=(30, 2)), rng.normal(size=30)
    w = np.ones(30)
    w[20:] = 0
    a = MLP([2, 4, 1], dtype=np.float64, random_state=0)
    b = MLP([2, 4, 1], dtype=np.float64, random_state=0)
    a.fit(X, y, optimizer="sgd", lr=0.1, epochs=3, batch_size=None, sample_weight=w)
    b.fit(X[:20], y[:20], optimizer="sgd", lr=0.1, epochs=3, batch_size=None)
    np.testing.assert_allclose(a.params, b.params, rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, "epochs must be a positive integer"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"validation_split": 1.5}, r"validation_split must be in \[0, 1\)"),
        ({"optimizer": "adagrad"}, "Unknown optimizer 'adagrad'"),
        ({"sample_weight": np.ones(3)}, r"sample_weight must have shape \(10,\)"),
        ({"validation_data": (np.ones((3, 3)), np.ones(3))}, "X_val has 3 features"),
        ({"clip_norm": -1.0}, "clip_norm must be > 0"),
        ({"schedule": "linear"}, "Unknown schedule"),
    ],
)
def test_bad_training_settings_get_clear_errors(kwargs, message, rng):
    net = MLP([2, 3, 1], random_state=0)
    with pytest.raises(ValueError, match=message):
        fit(net, rng.normal(size=(10, 2)), rng.normal(size=10), **kwargs)


def test_blas_threads_follow_the_workload():
    assert blas_threads_for([2, 10, 10, 1], 32) == 1
    assert blas_threads_for([784, 256, 256, 10], 128) >= 1


def test_lbfgs_records_iterations_and_no_warnings(rng):
    X, y = rng.normal(size=(50, 2)), rng.normal(size=50)
    net = MLP([2, 5, 1], dtype=np.float64, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = net.fit(X, y, optimizer="lbfgs", epochs=20, batch_size=None)
    assert 1 <= len(h) <= 20 and h.stop_reason.startswith("lbfgs")
    assert all(math.isfinite(v) for v in h.loss)
    assert h.loss[-1] < h.loss[0]


@pytest.mark.parametrize(
    ("sizes", "act", "output"),
    [([3, 7, 5, 4], "relu", "softmax"), ([2, 10, 10, 1], "tanh", "logistic"),
     ([4, 6, 2], "logistic", "identity"), ([4, 6, 6, 3], ["relu", "identity"], "exp")],
)  # fmt: skip
@pytest.mark.parametrize("epoch_buffer", [True, False])
def test_trainer_steps_equal_a_hand_written_loop(sizes, act, output, epoch_buffer, monkeypatch):
    """The Trainer's buffered steps (rows shuffled into an epoch buffer with its column of
    ones, or gathered batch by batch; logits kept for the epoch's loss) compute exactly
    what a plain loop over ``loss_and_grad`` and the optimizer computes."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(103, sizes[0]))
    if output == "softmax":
        Y = rng.integers(0, sizes[-1], 103)
    elif output == "exp":
        Y = rng.poisson(1.0, (103, sizes[-1]))
    else:
        Y = rng.random((103, sizes[-1])) if output == "identity" else rng.integers(0, 2, 103)
    if not epoch_buffer:  # gather each batch instead of shuffling the set into a buffer
        monkeypatch.setattr(training, "_EPOCH_BUFFER_BYTES", 0)
    net = MLP(sizes, activation=act, output=output, dtype=np.float64, random_state=5)
    ref = net.copy()
    h = net.fit(X, Y, epochs=3, batch_size=16, lr=0.01, random_state=7)

    opt = Adam(lr=0.01)
    order_rng = np.random.default_rng(7)
    losses = []
    for _ in range(3):
        order = order_rng.permutation(103)
        total = 0.0
        for start in range(0, 103, 16):
            idx = order[start : start + 16]
            loss, g = ref.loss_and_grad(X[idx], Y[idx])
            opt.step(ref.params, g)
            total += loss * len(idx)
        losses.append(total / 103)
    np.testing.assert_allclose(net.params, ref.params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(h.loss, losses, rtol=1e-9)
    assert not np.allclose(
        net.params,
        MLP(sizes, activation=act, output=output, dtype=np.float64, random_state=5).params,
    )


# ---------------------------------------------------------------------- the step API
def test_advancing_by_steps_equals_one_run(rng):
    """The playground advances a Trainer a few steps per frame: any split of the steps
    gives the same weights and history as one run."""
    X, y = rng.normal(size=(50, 2)), rng.integers(0, 2, 50)
    a = MLP([2, 6, 2], output="softmax", random_state=0)
    ta = Trainer(a, "adam", lr=0.05, batch_size=16)
    ta.run(X, y, 5)
    b = MLP([2, 6, 2], output="softmax", random_state=0)
    tb = Trainer(b, "adam", lr=0.05, batch_size=16)
    tb.start(X, y)
    for k in (1, 3, 2, 7, 4, 3):  # 20 steps: 4 per epoch, 5 epochs
        assert tb.advance(steps=k)
    assert (tb.epoch, tb.steps, tb.samples_seen) == (5, 20, 250)
    np.testing.assert_array_equal(a.params, b.params)
    np.testing.assert_array_equal(ta.history.loss, tb.history.loss)
    assert tb.advance(epochs=2) and tb.epoch == 7 and not tb.stopped


def test_the_step_api_reports_stopping_and_refuses_misuse(rng):
    X, y = rng.normal(size=(40, 2)), rng.normal(size=40)
    net = MLP([2, 4, 1], random_state=0)
    tr = Trainer(net, "sgd", lr=1e-9, batch_size=None, tol=1e-3, patience=2)
    with pytest.raises(RuntimeError, match="start"):
        tr.advance(steps=1)
    tr.start(X, y)
    with pytest.raises(ValueError, match="exactly one of"):
        tr.advance(steps=1, epochs=1)
    assert tr.patience_left == 2
    while tr.advance(epochs=1):
        assert tr.patience_left >= 0
    assert tr.stopped and tr.stop_reason == "converged" and tr.epoch == 4
    assert not tr.advance(epochs=1)
    with pytest.raises(TypeError, match="Unknown training option.*'batchsize'"):
        Trainer(net, "adam", batchsize=8)
    lb = Trainer(MLP([2, 4, 1], random_state=0), "lbfgs")
    lb.start(X, y)
    with pytest.raises(ValueError, match="L-BFGS advances by epochs"):
        lb.advance(steps=1)
    assert lb.advance(epochs=3) is not None and 1 <= lb.epoch <= 3
