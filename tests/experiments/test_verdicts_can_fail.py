"""Every training-dependent claim must be able to fail.

Each claim whose verdict depends on training a network (``Claim.trains``) is run in quick
mode against a deliberately broken engine, and must then read "differs":

(a) **no training** — every public training entry point returns without touching the
    weights (it records the untouched loss for each epoch, so the experiment runs on
    to its verdict instead of crashing);
(b) **a forward pass that returns noise** — training works, but every public way of
    evaluating a network (``forward``/``__call__``, ``decision_function``, ``logits``,
    ``hidden``; ``predict``, ``predict_proba`` and ``score`` go through ``forward``)
    returns random numbers of the right shape.

This file monkeypatches on purpose: breaking the engine is the point. The names it
patches are public API that the experiments reach through: ``mlpkit.network.MLP.fit``,
``mlpkit.training.fit``, ``mlpkit.training.Trainer.run`` (and ``Trainer.advance`` where it
exists), ``mlpkit.optimizers.Optimizer.step``, and ``mlpkit.network.MLP.forward``,
``__call__``, ``decision_function``, ``logits`` (where it exists) and ``hidden``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import mlpkit.network
import mlpkit.optimizers
import mlpkit.training
from mlpkit.experiments import CLAIMS
from mlpkit.experiments.runner import run_claim

TRAINING_CLAIMS = [c for c in CLAIMS if c.trains]


def _record_untouched(net, X, Y, epochs, sample_weight=None):
    """A History of ``epochs`` epochs at the untouched loss (what a fit that does
    nothing would report)."""
    loss = float(net.loss_and_grad(X, Y, sample_weight=sample_weight)[0])
    hist = mlpkit.training.History()
    for e in range(int(epochs)):
        hist.epoch.append(e + 1)
        hist.loss.append(loss)
        hist.val_loss.append(math.nan)
        hist.metric.append(math.nan)
        hist.val_metric.append(math.nan)
        hist.lr.append(0.0)
        hist.time.append(0.0)
    hist.stop_reason = "max_epochs"
    net.history_ = hist
    return hist


def _no_fit(net, X, Y, optimizer="adam", epochs=10, batch_size=32, **kw):
    return _record_untouched(net, X, Y, epochs, kw.get("sample_weight"))


def _no_run(self, X, Y, epochs=10, *, sample_weight=None, **kw):
    self.history = _record_untouched(self.net, X, Y, epochs, sample_weight)
    return self.history


def _no_advance(self, *args, **kw):
    return getattr(self, "history", None)


def _no_step(self, w, g):
    return None


@pytest.fixture
def no_training(monkeypatch):
    monkeypatch.setattr(mlpkit.network.MLP, "fit", _no_fit)
    monkeypatch.setattr(mlpkit.training, "fit", _no_fit)
    monkeypatch.setattr(mlpkit.training.Trainer, "run", _no_run)
    if hasattr(mlpkit.training.Trainer, "advance"):
        monkeypatch.setattr(mlpkit.training.Trainer, "advance", _no_advance)
    monkeypatch.setattr(mlpkit.optimizers.Optimizer, "step", _no_step)


@pytest.fixture
def noise_forward(monkeypatch):
    rng = np.random.default_rng(12345)

    def outputs(self, X):
        n = np.shape(X)[0]
        if self.head.is_classifier:  # probabilities in (0, 1), as a head would give
            return rng.uniform(0.01, 0.99, size=(n, self.n_outputs))
        return rng.normal(size=(n, self.n_outputs))

    def logits(self, X, *args, **kw):
        return rng.normal(size=(np.shape(X)[0], self.n_outputs))

    def hidden(self, X):
        X = np.asarray(X, dtype=np.float64)
        return [X.copy()] + [rng.normal(size=(X.shape[0], n)) for n in self.layer_sizes[1:]]

    monkeypatch.setattr(mlpkit.network.MLP, "forward", outputs)
    monkeypatch.setattr(mlpkit.network.MLP, "__call__", outputs)
    monkeypatch.setattr(mlpkit.network.MLP, "decision_function", logits)
    if hasattr(mlpkit.network.MLP, "logits"):
        monkeypatch.setattr(mlpkit.network.MLP, "logits", logits)
    monkeypatch.setattr(mlpkit.network.MLP, "hidden", hidden)

    # D8's CBOW is its own small model: its context average h returns noise instead.
    def context_noise(self, C, M):
        self._C, self._M = C, M  # what its backward reads
        return rng.normal(size=(np.shape(C)[0], self.n_dims))

    monkeypatch.setattr(mlpkit.word2vec.ContextMean, "forward", context_noise)


def test_the_training_claims_are_the_expected_ones():
    ids = {c.id for c in TRAINING_CLAIMS}
    # The claims whose verdicts rest on a trained network (C1-C6, C21 are exact analyses).
    assert {"C2", "C7", "C8", "C9", "C10", "C11", "C12", "C13", "C14", "C16"} <= ids
    assert {"D1", "D2", "D3", "D4", "D5", "D7", "D9", "D10", "D15"} <= ids
    assert {"C1", "C4", "C5", "C6", "C21", "D11", "D12", "D13"}.isdisjoint(ids)


@pytest.mark.slow
@pytest.mark.parametrize("claim", TRAINING_CLAIMS, ids=lambda c: c.id)
def test_no_training_gives_differs(claim, no_training, tmp_path):
    entry = run_claim(claim, tmp_path, quick=True, seed=0)
    assert entry["error"] is None, entry["error"]
    assert entry["verdict"].startswith("differs: "), (claim.id, entry["measured"]["summary"])


@pytest.mark.slow
@pytest.mark.parametrize("claim", TRAINING_CLAIMS, ids=lambda c: c.id)
def test_noise_forward_gives_differs(claim, noise_forward, tmp_path):
    entry = run_claim(claim, tmp_path, quick=True, seed=0)
    assert entry["error"] is None, entry["error"]
    assert entry["verdict"].startswith("differs: "), (claim.id, entry["measured"]["summary"])
