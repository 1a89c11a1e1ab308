"""scikit-learn's own estimator checks over both estimators, in several configurations.

No check is declared as an expected failure. The networks are small so the whole
suite runs in about a minute on one core.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from mlpkit.estimators import MLPClassifier, MLPRegressor  # noqa: E402

SMALL = dict(hidden_layer_sizes=(10,), max_iter=50, learning_rate_init=0.01)

ESTIMATORS = [
    MLPClassifier(solver="adam", activation="relu", **SMALL),
    MLPClassifier(
        solver="sgd",
        activation="tanh",
        hidden_layer_sizes=(10,),
        max_iter=50,
        learning_rate_init=0.1,
    ),
    # alpha=0.01: unregularised L-BFGS drives some logits past ±37, where the logistic
    # output rounds to exactly 0 or 1 and predict_proba ties where decision_function
    # does not (check_classifier_multioutput compares their rankings).
    MLPClassifier(
        solver="lbfgs", activation="tanh", hidden_layer_sizes=(10,), max_iter=50, alpha=0.01
    ),
    MLPRegressor(solver="adam", activation="relu", **SMALL),
    MLPRegressor(
        solver="sgd",
        activation="tanh",
        hidden_layer_sizes=(10,),
        max_iter=50,
        learning_rate_init=0.01,
    ),
    MLPRegressor(solver="lbfgs", activation="relu", hidden_layer_sizes=(10,), max_iter=50),
    # mlpkit's extras: an activation per layer, residual blocks, layer norm, clipping,
    # a schedule, class weights. (Dropout is left out: its random masks make fitting with
    # integer sample weights differ from fitting on repeated rows, which a check asserts.)
    MLPClassifier(
        hidden_layer_sizes=(8, 8),
        activation=["leaky_relu", "gelu"],
        residual=True,
        layer_norm=True,
        clip_norm=5.0,
        lr_schedule="cosine",
        class_weight="balanced",
        max_iter=50,
        learning_rate_init=0.01,
    ),
    MLPRegressor(
        hidden_layer_sizes=(8, 8),
        activation=["elu", "prelu"],
        init="sklearn",
        solver="rmsprop",
        clip_value=10.0,
        max_iter=50,
        learning_rate_init=0.01,
    ),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
