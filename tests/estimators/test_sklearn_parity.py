"""scikit-learn's MLP and mlpkit's, side by side, on the behaviour its users rely on:
sparse input, a single class, divergence (with and without early stopping), the
stratified validation split and its error, and the non-finite-weights message."""

import re
import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkClassifier
from sklearn.neural_network import MLPRegressor as SkRegressor

from mlpkit import MLPClassifier, MLPRegressor

SPARSE = [sparse.csr_matrix, sparse.csc_matrix, sparse.csr_array, sparse.csc_array]


@pytest.fixture
def sparse_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 30)) * (rng.random((240, 30)) < 0.15)
    y = (X[:, :10].sum(axis=1) > 0).astype(int)
    return X, y


@pytest.mark.parametrize("kind", SPARSE)
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_sparse_input_fits_the_same_model_as_dense_and_as_sklearn(kind, solver, sparse_problem):
    X, y = sparse_problem
    Xs = kind(X)
    kw = {"hidden_layer_sizes": (8,), "solver": solver, "max_iter": 30, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours, dense = MLPClassifier(**kw).fit(Xs, y), MLPClassifier(**kw).fit(X, y)
        theirs = SkClassifier(**kw).fit(Xs, y)
    for a, b, c in zip(ours.coefs_, dense.coefs_, theirs.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(a, c, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.predict_proba(Xs), theirs.predict_proba(Xs), atol=1e-8)
    assert ours.transform(Xs).shape == (240, 8)


def test_sparse_input_is_never_densified(sparse_problem, monkeypatch):
    X, y = sparse_problem
    Xs = sparse.csr_matrix(X)

    def refuse(self, *a, **k):
        raise AssertionError("X was densified")

    monkeypatch.setattr(sparse.csr_matrix, "toarray", refuse)
    monkeypatch.setattr(sparse.csr_array, "toarray", refuse)
    monkeypatch.setattr(sparse.csr_matrix, "todense", refuse)
    reg = MLPRegressor(hidden_layer_sizes=(6,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(Xs, y.astype(float))
    assert np.all(np.isfinite(reg.predict(Xs)))


def test_one_class_is_fitted_like_sklearn():
    X = np.random.default_rng(0).normal(size=(30, 3))
    y = np.array(["a"] * 30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = MLPClassifier((4,), max_iter=50, random_state=0).fit(X, y)
        theirs = SkClassifier((4,), max_iter=50, random_state=0).fit(X, y)
    assert list(ours.classes_) == list(theirs.classes_) == ["a"]
    assert ours.out_activation_ == theirs.out_activation_ == "logistic"
    assert list(ours.predict(X[:5])) == list(theirs.predict(X[:5])) == ["a"] * 5
    assert ours.predict_proba(X).shape == theirs.predict_proba(X).shape == (30, 2)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-8)


def test_a_class_with_one_member_cannot_be_stratified():
    X = np.random.default_rng(0).normal(size=(20, 3))
    y = np.array([0] * 19 + [1])
    messages = []
    for cls in (SkClassifier, MLPClassifier):
        with pytest.raises(ValueError) as err:
            cls((4,), early_stopping=True, random_state=0).fit(X, y)
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    assert "least populated class" in messages[1]


def _exploding():
    X = np.random.default_rng(0).normal(size=(40, 3)) * 1e3
    return X, np.arange(40) % 2


def test_divergence_with_early_stopping_keeps_finite_best_weights():
    X, y = _exploding()
    kw = {"hidden_layer_sizes": (4,), "solver": "sgd", "learning_rate_init": 10.0,
          "early_stopping": True, "random_state": 0, "max_iter": 50}  # fmt: skip
    theirs = SkClassifier(**kw).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        ours = MLPClassifier(**kw).fit(X, y)
    # Both end with finite weights (scikit-learn restores its best ones as well) ...
    assert all(np.all(np.isfinite(W)) for W in theirs.coefs_)
    assert all(np.all(np.isfinite(W)) for W in ours.coefs_)
    # ... but mlpkit stops instead of running on to a loss of ~1e77.
    assert max(theirs.loss_curve_) > 1e30
    assert len(ours.loss_curve_) < len(theirs.loss_curve_)
    assert ours.score(X, y) == pytest.approx(max(ours.validation_scores_), abs=0.5)


def test_divergence_without_early_stopping_raises_and_keeps_finite_weights():
    X, y = _exploding()
    reg = MLPRegressor(
        hidden_layer_sizes=(4,), solver="sgd", learning_rate_init=10.0, random_state=0
    )
    with pytest.raises(ValueError, match="Solver .*(non-finite|diverged).*StandardScaler"):
        reg.fit(X, y * 1e3)
    assert all(np.all(np.isfinite(W)) for W in reg.coefs_)
    clf = MLPClassifier((4,), solver="sgd", learning_rate_init=10.0, random_state=0)
    with pytest.raises(ValueError, match=r"Solver diverged: the loss grew to .*e\+"):
        clf.fit(X, y)
    assert all(np.all(np.isfinite(W)) for W in clf.coefs_)


def test_non_finite_message_starts_with_sklearns_sentence():
    X = np.array([[1e154, 1.0], [-1e154, 2.0], [1e154, 0.0], [-1e154, 1.0]])
    y = np.array([1e154, -1e154, 1e154, 0.0])
    sk = "Solver produced non-finite parameter weights. The input data may contain large values"
    with pytest.raises(ValueError, match=re.escape(sk)):
        MLPRegressor(hidden_layer_sizes=(3,), solver="sgd", random_state=0, max_iter=5).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=re.escape(sk)):
            SkRegressor(hidden_layer_sizes=(3,), solver="sgd", random_state=0, max_iter=5).fit(X, y)
