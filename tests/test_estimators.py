"""MLPClassifier and MLPRegressor: scikit-learn behaviour, extras, and bad input."""

from __future__ import annotations

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn import neural_network as sknn
from sklearn.base import clone
from sklearn.datasets import load_iris, make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

import mlpkit
from mlpkit.estimators import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def reg_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    Y = np.c_[np.sin(X[:, 0]) + X[:, 1], X[:, 2] * X[:, 3]]
    return X, Y


# ---------------------------------------------------------------- same as scikit-learn
SK_CASES = [
    dict(solver="adam"),
    dict(solver="sgd"),
    dict(solver="sgd", learning_rate="invscaling", learning_rate_init=0.1),
    dict(solver="sgd", learning_rate="adaptive", nesterovs_momentum=False, tol=1e-2),
    dict(solver="adam", early_stopping=True, n_iter_no_change=3),
    dict(solver="lbfgs"),
    dict(solver="adam", activation="tanh", batch_size=32, alpha=0.1),
    dict(solver="adam", activation="logistic", shuffle=False),
]


@pytest.mark.parametrize("params", SK_CASES, ids=lambda p: "-".join(map(str, p.values())))
def test_classifier_reproduces_sklearn(iris, params):
    """Same random_state: same initial weights, mini-batches and update rule."""
    X, y = iris
    kw = dict(hidden_layer_sizes=(12,), max_iter=30, random_state=3, **params)
    ours = MLPClassifier(**kw).fit(X, y)
    ref = sknn.MLPClassifier(**kw).fit(X, y)
    assert ours.n_iter_ == ref.n_iter_
    assert ours.t_ == ref.t_
    for a, b in zip(ours.coefs_ + ours.intercepts_, ref.coefs_ + ref.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.loss_, ref.loss_, rtol=1e-9)
    if params["solver"] != "lbfgs":
        np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-9)
    if params.get("early_stopping"):
        np.testing.assert_allclose(ours.validation_scores_, ref.validation_scores_)
        assert ours.best_validation_score_ == ref.best_validation_score_
        assert len(ours.validation_loss_curve_) == ours.n_iter_
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-9)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_multioutput_regressor_reproduces_sklearn(reg_data, solver):
    """scikit-learn reports the squared error averaged over outputs (mean / 2) while its
    gradient sums over them; the penalty is (alpha / 2) ||W||² / n_batch."""
    X, Y = reg_data
    kw = dict(hidden_layer_sizes=(16,), solver=solver, alpha=0.5, max_iter=25, random_state=1)
    ours = MLPRegressor(**kw).fit(X, Y)
    ref = sknn.MLPRegressor(**kw).fit(X, Y)
    if solver == "lbfgs":
        # L-BFGS needs the function whose gradient it is given: mlpkit minimises the sum
        # over outputs (scikit-learn hands SciPy the mean with the sum's gradient), and
        # reports the result on scikit-learn's scale. It reaches a lower loss here.
        assert ours.loss_ <= ref.loss_
        assert ours.loss_ == pytest.approx(ref.loss_, rel=0.05)
        return
    np.testing.assert_allclose(ours.loss_, ref.loss_, rtol=1e-8)
    np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-8)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-6, atol=1e-8)


def test_sample_weight_and_binary_labels_reproduce_sklearn():
    X, y = make_classification(80, 5, random_state=0)
    labels = np.array(["no", "yes"])[y]
    sw = np.random.default_rng(0).uniform(0.1, 3, size=80)
    kw = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    ours = MLPClassifier(**kw).fit(X, labels, sample_weight=sw)
    ref = sknn.MLPClassifier(**kw).fit(X, labels, sample_weight=sw)
    assert ours.out_activation_ == ref.out_activation_ == "logistic"
    assert ours.n_outputs_ == 1
    np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-9)
    assert list(ours.classes_) == ["no", "yes"]
    assert set(ours.predict(X)) <= {"no", "yes"}


def test_poisson_regressor_reports_sklearns_deviance():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = rng.poisson(np.exp(0.5 * X[:, 0]))
    kw = dict(loss="poisson", hidden_layer_sizes=(6,), max_iter=15, random_state=0)
    ours = MLPRegressor(**kw).fit(X, y)
    ref = sknn.MLPRegressor(**kw).fit(X, y)
    assert ours.out_activation_ == "exp"
    np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-8)


def test_loss_is_data_loss_plus_sklearn_penalty(iris):
    """alpha maps to the core's weight_decay as alpha / (2 n): check loss_ by hand."""
    X, y = iris
    clf = MLPClassifier((5,), solver="lbfgs", alpha=3.0, max_iter=5, random_state=0).fit(X, y)
    P = clf.predict_proba(X)
    data = -np.mean(np.log(P[np.arange(len(y)), y]))
    penalty = 0.5 * 3.0 * sum(np.sum(W**2) for W in clf.coefs_) / len(y)
    assert clf.loss_ == pytest.approx(data + penalty, rel=1e-6)


# ---------------------------------------------------------------- targets and inputs
def test_multiclass_multilabel_and_string_labels(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = MLPClassifier((10,), max_iter=50, random_state=0).fit(X, names)
    assert clf.out_activation_ == "softmax" and clf.n_outputs_ == 3
    assert clf.predict(X[:5]).dtype.kind == "U"
    P = clf.predict_proba(X)
    np.testing.assert_allclose(P.sum(axis=1), 1)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(P))
    assert np.array_equal(clf.classes_[clf.decision_function(X).argmax(1)], clf.predict(X))

    Xm, Ym = make_multilabel_classification(60, 6, n_classes=4, random_state=0)
    ml = MLPClassifier((10,), max_iter=50, random_state=0).fit(Xm, Ym)
    assert ml.out_activation_ == "logistic" and ml.n_outputs_ == 4
    assert ml.predict(Xm).shape == (60, 4)
    assert set(np.unique(ml.predict(Xm))) <= {0, 1}
    assert ml.predict_proba(Xm).shape == (60, 4)


def test_binary_decision_function_is_1d_and_consistent():
    X, y = make_classification(60, 4, random_state=1)
    clf = MLPClassifier((6,), max_iter=40, random_state=0).fit(X, y)
    d = clf.decision_function(X)
    assert d.shape == (60,)
    np.testing.assert_array_equal((d > 0).astype(int), clf.predict(X))
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], 1 / (1 + np.exp(-d)))


def test_float32_stays_float32(iris):
    X, y = iris
    X32 = X.astype(np.float32)
    clf = MLPClassifier((8,), max_iter=10, random_state=0).fit(X32, y)
    assert clf.net_.dtype == np.float32
    assert clf.coefs_[0].dtype == np.float32
    assert clf.transform(X32).dtype == np.float32
    assert clf.predict_proba(X32).dtype == np.float64  # probabilities as scikit-learn
    reg = MLPRegressor(hidden_layer_sizes=(8,), max_iter=10, random_state=0).fit(X32, X32[:, 0])
    assert reg.predict(X32).dtype == np.float32
    assert MLPClassifier((8,), max_iter=5).fit(X, y).net_.dtype == np.float64
    forced = MLPClassifier((8,), max_iter=5, dtype="float32").fit(X, y)
    assert forced.net_.dtype == np.float32


def test_pandas_input_keeps_feature_names(iris):
    X, y = iris
    df = pd.DataFrame(X, columns=["sl", "sw", "pl", "pw"])
    clf = MLPClassifier((5,), max_iter=10, random_state=0).fit(df, pd.Series(y))
    assert list(clf.feature_names_in_) == ["sl", "sw", "pl", "pw"]
    assert clf.n_features_in_ == 4
    with pytest.warns(UserWarning, match="feature names"):
        clf.predict(X)


def test_transform_returns_hidden_activations(iris):
    X, y = iris
    clf = MLPClassifier((7, 5), activation=["tanh", "relu"], max_iter=10, random_state=0)
    clf.fit(X, y)
    H0 = np.tanh(X @ clf.coefs_[0] + clf.intercepts_[0])
    H1 = np.maximum(H0 @ clf.coefs_[1] + clf.intercepts_[1], 0)
    np.testing.assert_allclose(clf.transform(X, layer=0), H0, rtol=1e-12)
    np.testing.assert_allclose(clf.transform(X), H1, rtol=1e-12)
    np.testing.assert_allclose(clf.transform(X, layer=-2), H0, rtol=1e-12)
    with pytest.raises(ValueError, match=r"layer=2 is out of range.*\[-2, 1\]"):
        clf.transform(X, layer=2)


# ---------------------------------------------------------------- fitted state
def test_coefs_are_live_views_of_the_network(iris):
    X, y = iris
    clf = MLPClassifier((6,), max_iter=10, random_state=0).fit(X, y)
    assert isinstance(clf.net_, mlpkit.MLP)
    assert clf.n_layers_ == 3 and [W.shape for W in clf.coefs_] == [(4, 6), (6, 3)]
    before = clf.predict_proba(X[:3])
    clf.coefs_[1][...] = 0
    clf.intercepts_[1][...] = 0
    np.testing.assert_allclose(clf.predict_proba(X[:3]), 1 / 3)
    assert not np.allclose(before, 1 / 3)
    assert np.all(clf.net_.params[-3:] == 0)


def test_pickle_then_partial_fit_keeps_learning(iris):
    """scikit-learn issue #19626: after unpickling, partial_fit must update the weights
    that predict uses (the optimizer holds no references to them)."""
    X, y = iris
    a = MLPClassifier((10,), random_state=0, learning_rate_init=0.01)
    for _ in range(3):
        a.partial_fit(X, y, classes=[0, 1, 2])
    b = pickle.loads(pickle.dumps(a))
    first = b.coefs_[0].copy()
    for _ in range(20):
        a.partial_fit(X, y)
        b.partial_fit(X, y)
    assert not np.allclose(b.coefs_[0], first)  # it learned
    assert b.loss_curve_[-1] < b.loss_curve_[3]
    # ... exactly as the estimator that was never pickled
    np.testing.assert_allclose(b.net_.params, a.net_.params)
    np.testing.assert_allclose(b.predict_proba(X), a.predict_proba(X))
    assert b.t_ == a.t_ == 23 * len(y)


def test_warm_start_continues_and_resets_n_iter(iris):
    X, y = iris
    clf = MLPClassifier((6,), max_iter=5, warm_start=True, random_state=0).fit(X, y)
    w = clf.coefs_[0].copy()
    clf.fit(X, y)
    assert clf.n_iter_ == 5 and len(clf.loss_curve_) == 10
    assert not np.allclose(clf.coefs_[0], w)
    with pytest.raises(ValueError, match="warm_start can only be used"):
        clf.fit(X[y < 2], y[y < 2])


def test_convergence_warning_like_sklearn(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\) reached"):
        MLPClassifier((4,), max_iter=3).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        MLPClassifier((4,), solver="lbfgs", max_iter=2).fit(X, y)


def test_tol_stops_training(iris):
    X, y = iris
    kw = dict(hidden_layer_sizes=(4,), tol=10.0, n_iter_no_change=2, random_state=0)
    clf = MLPClassifier(**kw).fit(X, y)
    # The first epoch improves on best_loss_ = inf; the next three do not improve by 10,
    # and the count must exceed n_iter_no_change: 1 + 3 epochs, as scikit-learn.
    assert clf.n_iter_ == 4 == sknn.MLPClassifier(**kw).fit(X, y).n_iter_


# ---------------------------------------------------------------- scikit-learn tools
def test_pipeline_gridsearch_cross_val_clone(iris):
    X, y = iris
    clf = MLPClassifier((8,), max_iter=100, learning_rate_init=0.05, random_state=0)
    pipe = make_pipeline(StandardScaler(), clf)
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.7
    grid = GridSearchCV(
        MLPRegressor(max_iter=30, random_state=0),
        {"hidden_layer_sizes": [(4,), (8,)], "activation": ["relu", ["tanh"]]},
        cv=2,
    ).fit(X[:, :3], X[:, 3])
    assert grid.best_params_["hidden_layer_sizes"] in [(4,), (8,)]
    c = clone(MLPClassifier(activation=["gelu", "elu"], hidden_layer_sizes=(3, 3), dropout=0.1))
    assert c.get_params()["activation"] == ["gelu", "elu"]
    assert not hasattr(c, "net_")


def test_partial_fit_needs_classes_and_stochastic_solver(iris):
    X, y = iris
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        MLPClassifier().partial_fit(X, y)
    with pytest.raises(ValueError, match="'balanced' is not supported for partial_fit"):
        MLPClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])
    weighted = MLPClassifier(class_weight={0: 2.0, 1: 1.0, 2: 1.0}, random_state=0)
    weighted.partial_fit(X[y > 0], y[y > 0], classes=[0, 1, 2])  # class 0 absent: fine
    weighted.partial_fit(X[y == 2], y[y == 2])  # a single class in a batch: fine
    assert mlpkit.MLPClassifier is MLPClassifier and mlpkit.MLPRegressor is MLPRegressor
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")
    assert hasattr(MLPRegressor(solver="sgd"), "partial_fit")


# ---------------------------------------------------------------- extras
def test_per_layer_activations_and_architecture_options(iris):
    X, y = iris
    clf = MLPClassifier(
        (8, 8, 8), activation=["leaky_relu", "prelu", "gelu"], residual=True, layer_norm=True,
        dropout=[0.0, 0.2, 0.0], init="auto", max_iter=100, learning_rate_init=0.02,
        random_state=0,
    ).fit(X, y)  # fmt: skip
    assert clf.net_.activations == ["leaky_relu", "prelu", "gelu"]
    kinds = {type(layer).__name__ for layer in clf.net_.layers}
    assert {"Residual", "Dense"} <= kinds
    assert clf.net_.n_params > sum(W.size for W in clf.coefs_) + sum(
        b.size for b in clf.intercepts_
    )
    assert clf.score(X, y) > 0.8
    # Dropout is off at prediction time: predictions are deterministic.
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))


def test_class_weight_shifts_predictions():
    X, y = make_classification(300, 4, weights=[0.85], class_sep=0.3, random_state=0)
    kw = dict(hidden_layer_sizes=(8,), max_iter=60, random_state=0)
    plain = MLPClassifier(**kw).fit(X, y)
    heavy = MLPClassifier(class_weight={0: 1.0, 1: 20.0}, **kw).fit(X, y)
    balanced = MLPClassifier(class_weight="balanced", **kw).fit(X, y)
    assert np.mean(heavy.predict(X) == 1) > np.mean(plain.predict(X) == 1) + 0.05
    assert np.mean(balanced.predict(X) == 1) > np.mean(plain.predict(X) == 1)


def test_callbacks_run_and_can_stop(iris):
    X, y = iris
    seen = []

    class Recorder:
        def on_train_begin(self, est):
            seen.append("begin")

        def on_epoch_end(self, est):
            seen.append(est.n_iter_)

        def on_train_end(self, est):
            seen.append("end")

    clf = MLPClassifier((4,), max_iter=50, callbacks=[Recorder(), lambda est: est.n_iter_ >= 4])
    clf.fit(X, y)
    assert clf.n_iter_ == 4
    assert seen == ["begin", 1, 2, 3, 4, "end"]


def test_lr_schedule_and_clipping_change_training(iris):
    X, y = iris
    base = dict(hidden_layer_sizes=(6,), solver="sgd", max_iter=15, random_state=0,
                learning_rate_init=0.05)  # fmt: skip
    plain = MLPClassifier(**base).fit(X, y)
    sched = MLPClassifier(lr_schedule="exponential", **base).fit(X, y)
    clipped = MLPClassifier(clip_norm=1e-3, **base).fit(X, y)
    assert sched._optimizer.lr < plain._optimizer.lr == 0.05
    assert not np.allclose(sched.coefs_[0], plain.coefs_[0])
    # Tiny clipped SGD steps barely move the weights from the same initialisation.
    start = MLPClassifier(**{**base, "max_iter": 1}).fit(X, y)
    assert (
        np.abs(clipped.coefs_[0] - start.coefs_[0]).max()
        < np.abs(plain.coefs_[0] - start.coefs_[0]).max()
    )


def test_early_stopping_records_validation_curves_and_restores_best(iris):
    X, y = iris
    clf = MLPClassifier((6,), early_stopping=True, max_iter=40, random_state=0).fit(X, y)
    assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None  # as scikit-learn with early stopping
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        clf.partial_fit(X, y)


# ---------------------------------------------------------------- bad input
def _msg(param: str, name: str = "MLPClassifier") -> str:
    return re.escape(f"The '{param}' parameter of {name} must be")


@pytest.mark.parametrize(
    "params, param",
    [
        (dict(alpha=-1.0), "alpha"),
        (dict(hidden_layer_sizes=(10, 0)), "hidden_layer_sizes"),
        (dict(hidden_layer_sizes=0), "hidden_layer_sizes"),
        (dict(activation="swishy"), "activation"),
        (dict(activation=["relu", "nope"], hidden_layer_sizes=(3, 3)), "activation"),
        (dict(solver="newton"), "solver"),
        (dict(learning_rate_init=0.0), "learning_rate_init"),
        (dict(dropout=1.5), "dropout"),
        (dict(init="magic"), "init"),
    ],
)
def test_bad_parameters_get_sklearn_messages(iris, params, param):
    X, y = iris
    with pytest.raises(InvalidParameterError, match=_msg(param) + ".*Got .* instead"):
        MLPClassifier(**params).fit(X, y)


def test_unknown_activation_message_lists_choices(iris):
    X, y = iris
    with pytest.raises(ValueError, match="'leaky_relu'.*Got 'swishy' instead"):
        MLPRegressor(activation="swishy").fit(X, y)


@pytest.mark.parametrize("bad, what", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_nan_or_inf_in_X(iris, bad, what):
    X, y = iris
    Xb = X.copy()
    Xb[3, 1] = bad
    with pytest.raises(ValueError, match=f"Input X contains {what}"):
        MLPClassifier(max_iter=2).fit(Xb, y)
    clf = MLPClassifier((3,), max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match=f"Input X contains {what}"):
        clf.predict(Xb)


def test_unseen_label_in_partial_fit(iris):
    X, y = iris
    clf = MLPClassifier((4,)).partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    with pytest.raises(ValueError, match=r"`y` has classes not in `self.classes_`.*Unseen.*2"):
        clf.partial_fit(X, y)


def test_mismatched_sample_weight(iris):
    X, y = iris
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(3,\), expected \(150,\)"):
        MLPClassifier(max_iter=2).fit(X, y, sample_weight=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        MLPRegressor(max_iter=2).fit(X, y, sample_weight=-np.ones(150))


def test_feature_count_mismatch_and_unfitted(iris):
    X, y = iris
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        MLPClassifier().predict(X)
    clf = MLPClassifier((3,), max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but MLPClassifier is expecting 4"):
        clf.predict(X[:, :3])


def test_poisson_rejects_negative_targets(iris):
    X, _ = iris
    with pytest.raises(ValueError, match="non-negative targets"):
        MLPRegressor(loss="poisson").fit(X, -np.ones(len(X)))


def test_verbose_lines_and_dtype(iris, capsys):
    X, y = iris
    MLPClassifier((4,), max_iter=2, verbose=True, n_threads=1, random_state=0).fit(X, y)
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"Iteration 1, loss = \d+\.\d{8}", out[0]) and len(out) == 2
    with pytest.raises(InvalidParameterError, match="'dtype' parameter of MLPRegressor"):
        MLPRegressor(dtype=np.int32).fit(X, y)


def test_docstring_examples_run():
    import doctest

    from mlpkit.estimators import classifier, regressor

    attempted = 0
    for module in (classifier, regressor):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0
        attempted += result.attempted
    assert attempted >= 10


def test_no_warnings_on_clean_fit(iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MLPClassifier((5,), solver="lbfgs", max_iter=500, random_state=0).fit(X, y)
