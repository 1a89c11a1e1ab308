"""scikit-learn's own estimator checks over both estimators, in several configurations.

No check is declared as an expected failure. The networks are small, so the 625 checks
run in about 10 seconds on one core.

Every configuration has a fixed ``random_state``: a few checks (``check_classifier_multioutput``
among them) fit without seeding. Unseeded, a rare initialisation drives a multi-label logit
past +37, where the logistic output is exactly 1.0, and predict_proba then ties where
decision_function does not (the check compares their rankings). The whole suite
passes with random_state 0, 1 and 7, and the score, ranking and sample-weight-equivalence
checks with 0-19.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from mlpkit.estimators import MLPClassifier, MLPRegressor  # noqa: E402

# Small max_iter on purpose: the networks stop before converging, and say so.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL = dict(hidden_layer_sizes=(10,), max_iter=50, random_state=0)

ESTIMATORS = [
    MLPClassifier(solver="adam", activation="relu", learning_rate_init=0.01, **SMALL),
    MLPClassifier(solver="sgd", activation="tanh", learning_rate_init=0.1, **SMALL),
    # alpha=0.01: unregularised L-BFGS drives some logits past ±37 on the multi-label
    # check, with the ties described above.
    MLPClassifier(solver="lbfgs", activation="tanh", alpha=0.01, **SMALL),
    MLPRegressor(solver="adam", activation="relu", learning_rate_init=0.01, **SMALL),
    MLPRegressor(solver="sgd", activation="tanh", learning_rate_init=0.01, **SMALL),
    MLPRegressor(solver="lbfgs", activation="relu", **SMALL),
    # mlpkit's extras: an activation per layer, residual blocks, layer norm, clipping,
    # a schedule. (Dropout is left out: its random masks make fitting with
    # integer sample weights differ from fitting on repeated rows, which a check asserts.)
    MLPClassifier(
        hidden_layer_sizes=(8, 8),
        activation=["leaky_relu", "gelu"],
        residual=True,
        layer_norm=True,
        clip_norm=5.0,
        lr_schedule="cosine",
        max_iter=50,
        learning_rate_init=0.01,
        random_state=0,
    ),
    # Balanced class weights with a full-batch solver: partial_fit refuses "balanced" (it
    # needs the whole data set's class frequencies, as SGDClassifier), and L-BFGS has no
    # partial_fit, so every check that calls fit runs with them. Bounded activations: with
    # an unbounded second layer (silu) 50 L-BFGS steps on the checks' 15-45 samples drive
    # logits to saturation, and fits with integer sample weights and with repeated rows,
    # equal in exact arithmetic, drift apart by 1e-5 through rounding.
    MLPClassifier(
        hidden_layer_sizes=(8, 8),
        activation=["tanh", "softsign"],
        solver="lbfgs",
        alpha=0.1,
        class_weight="balanced",
        max_iter=50,
        random_state=0,
    ),
    MLPRegressor(
        hidden_layer_sizes=(8, 8),
        activation=["elu", "prelu"],
        init="auto",
        solver="rmsprop",
        clip_value=10.0,
        max_iter=50,
        learning_rate_init=0.01,
        random_state=0,
    ),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
