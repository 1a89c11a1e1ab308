"""Every plotting function writes a non-empty PNG with matplotlib's Agg backend."""

from __future__ import annotations

import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import mlpkit  # noqa: E402
from mlpkit import plotting  # noqa: E402
from mlpkit.analysis import gradient_norms, warp_grid  # noqa: E402


def save(fig, tmp_path, name):
    from matplotlib.figure import Figure

    assert isinstance(fig, Figure)
    path = tmp_path / f"{name}.png"
    fig.savefig(path, dpi=60)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    return path


def blobs(n=80, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, 2)) + 1.5 * (2 * y[:, None] - 1)
    return X, y


def test_decision_boundary_binary_multiclass_regression_and_sklearn(tmp_path):
    X, y = blobs()
    net = mlpkit.MLP([2, 8, 1], output="logistic", random_state=0)
    net.fit(X, y, epochs=5)
    fig = plotting.plot_decision_boundary(net, X, y, resolution=60, title="binary")
    assert fig.axes[0].get_title() == "binary"
    save(fig, tmp_path, "binary")
    y3 = (X[:, 0] > 0).astype(int) + (X[:, 1] > 1).astype(int)
    soft = mlpkit.MLP([2, 8, 3], output="softmax", random_state=0)
    save(plotting.plot_decision_boundary(soft, X, y3, resolution=60), tmp_path, "multi")
    reg = mlpkit.MLP([2, 4, 1], random_state=0)
    save(plotting.plot_decision_boundary(reg, X, y, resolution=40), tmp_path, "reg")
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression().fit(X, y)
    save(plotting.plot_decision_boundary(lr, X, y, resolution=40), tmp_path, "sklearn")
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plotting.plot_decision_boundary(net, np.zeros((5, 3)), np.zeros(5))


def test_draws_into_given_axes(tmp_path):
    from matplotlib.figure import Figure

    X, y = blobs()
    fig = Figure()
    ax = fig.add_subplot()
    out = plotting.plot_decision_boundary(mlpkit.MLP([2, 3, 1], output="logistic"), X, y,
                                          ax=ax, resolution=30)  # fmt: skip
    assert out is fig
    save(fig, tmp_path, "given")


def test_function_fit_and_hidden_units(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 40)
    t = np.sin(3 * x)
    net = mlpkit.MLP([1, 3, 1], random_state=0, dtype=np.float64)
    net.params = rng.normal(size=net.n_params)
    fig = plotting.plot_function_fit(net, x[:, None], t, show_hidden=True,
                                     true_fn=lambda u: np.sin(3 * u))  # fmt: skip
    # The network's curve, the true function and one line per weighted hidden unit.
    assert len(fig.axes[0].lines) >= 5
    save(fig, tmp_path, "fit")
    fig = plotting.plot_hidden_units(net, (-2, 2))
    assert len(fig.axes) == 4
    assert [len(a.lines) >= 3 for a in fig.axes[:3]] == [True] * 3
    save(fig, tmp_path, "hidden")
    deep = mlpkit.MLP([1, 8, 8, 1], activation="tanh", random_state=0)
    save(plotting.plot_function_fit(deep, x, t), tmp_path, "deep_fit")


def test_regions_exact_and_grid(tmp_path):
    net = mlpkit.MLP([2, 6, 6, 1], random_state=0, dtype=np.float64)
    net.params = np.random.default_rng(0).normal(size=net.n_params)
    from mlpkit.analysis import count_linear_regions_2d

    n = count_linear_regions_2d(net, ((-2, 2), (-2, 2)))
    fig = plotting.plot_regions(net, ((-2, 2), (-2, 2)), resolution=120)
    assert fig.axes[0].get_title() == f"{n:,} linear regions"
    save(fig, tmp_path, "regions")
    tanh = mlpkit.MLP([2, 5, 1], activation="tanh", random_state=0)
    fig = plotting.plot_regions(tanh, resolution=80)
    assert "activation patterns" in fig.axes[0].get_title()
    save(fig, tmp_path, "regions_tanh")


def test_loss_curves_from_history_dict_and_list(tmp_path):
    X, y = blobs()
    net = mlpkit.MLP([2, 4, 1], output="logistic", random_state=0)
    hist = net.fit(X, y, epochs=6, validation_split=0.25, random_state=0)
    fig = plotting.plot_loss_curves(hist)
    assert len(fig.axes[0].lines) >= 2  # training and validation
    save(fig, tmp_path, "loss")
    save(plotting.plot_loss_curves({"loss": [3, 2, 1.5], "val_loss": [3.2, 2.5, 2.4]}),
         tmp_path, "loss_dict")  # fmt: skip
    save(plotting.plot_loss_curves([1.0, 0.5, 0.2], log=False), tmp_path, "loss_list")
    with pytest.raises(ValueError, match="training loss"):
        plotting.plot_loss_curves({})


def test_activation_table(tmp_path):
    fig = plotting.plot_activation_table()
    visible = [a for a in fig.axes if a.get_visible()]
    assert len(visible) == len(mlpkit.ACTIVATIONS)
    titles = [a.get_title() for a in visible]
    assert titles[0].startswith("identity") and "monotonic" in titles[0]
    assert any(t.startswith("tanh\nrange (-1, 1)") for t in titles)
    save(fig, tmp_path, "activations")


def test_gradient_norms_and_warped_grid(tmp_path):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(32, 2)), rng.normal(size=(32, 1))
    net = mlpkit.MLP([2, 4, 4, 4, 1], activation="tanh", random_state=0)
    save(plotting.plot_gradient_norms(gradient_norms(net, X, Y)), tmp_path, "grads")
    save(plotting.plot_gradient_norms([1e-4, 1e-2, 1.0]), tmp_path, "grads_list")
    warped = warp_grid(net)
    fig = plotting.plot_warped_grid(warped)
    assert sum(a.get_visible() for a in fig.axes) == len(warped) == 5
    save(fig, tmp_path, "warped")


def test_surface_from_image_grid(tmp_path):
    n = 12
    coords = np.linspace(-1, 1, n)
    cols, rows = np.meshgrid(coords, coords)
    X = np.column_stack([cols.ravel(), rows.ravel()])
    image = np.add.outer(np.arange(n), np.arange(n)) / (2 * n)
    fig = plotting.plot_surface(X, image.ravel(), shape=(n, n))
    im = fig.axes[0].images[0]
    np.testing.assert_allclose(im.get_array(), image)  # the grid is rebuilt as the image
    save(fig, tmp_path, "surface")
    perm = np.random.default_rng(0).permutation(n * n)
    fig = plotting.plot_surface(X[perm], image.ravel()[perm])
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), image)
    with pytest.raises(ValueError, match="regular grid"):
        plotting.plot_surface(X[:-1], image.ravel()[:-1])


def test_friendly_error_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    with pytest.raises(ImportError, match=r"pip install 'mlpkit\[plot\]'"):
        plotting.plot_loss_curves([1.0, 0.5])
