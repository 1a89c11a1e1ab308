import math

import numpy as np
import pytest

from mlpkit.schedules import (
    CosineLR,
    ExponentialLR,
    ReduceLROnPlateau,
    StepLR,
    get_schedule,
)


def test_closed_forms():
    assert StepLR(10, 0.5)(25, 1.0, 1.0, None) == 0.25
    assert ExponentialLR(0.9)(3, 2.0, 2.0, None) == pytest.approx(2 * 0.9**3)
    cos = CosineLR(T_max=10, eta_min=0.1)
    assert cos(0, 1.0, 1.0, None) == pytest.approx(1.0)
    assert cos(5, 1.0, 1.0, None) == pytest.approx(0.55)
    assert cos(10, 1.0, 1.0, None) == pytest.approx(0.1)
    assert cos(50, 1.0, 1.0, None) == pytest.approx(0.1)


def test_plateau_waits_then_reduces_and_keeps_state():
    sch = ReduceLROnPlateau(factor=0.5, patience=2)
    lr = 1.0
    for loss in [1.0, 0.9, 0.95, 0.95]:
        lr = sch(0, 1.0, lr, loss)
    assert lr == 1.0
    lr = sch(0, 1.0, lr, 0.95)
    assert lr == 0.5
    state = sch.state_dict()
    again = get_schedule("plateau", factor=0.5, patience=2)
    again.load_state_dict(state)
    assert again.best == pytest.approx(0.9) and again.wait == sch.wait
    assert sch(0, 1.0, 0.5, math.nan) == 0.5


def test_errors():
    with pytest.raises(ValueError, match="Unknown schedule 'linear'.*cosine"):
        get_schedule("linear")
    with pytest.raises(ValueError, match="gamma"):
        ExponentialLR(0)
    assert get_schedule(None)(3, 1.0, 0.7, None) == 0.7


# ------------------------------------------------------------ scikit-learn's schedules
def test_invscaling_is_sklearns_iteration_ends():
    from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

    from mlpkit.schedules import InvScalingLR

    theirs = SGDOptimizer([np.zeros(2)], learning_rate_init=0.3, lr_schedule="invscaling",
                          power_t=0.25)  # fmt: skip
    ours = InvScalingLR(power_t=0.25)
    for epoch, seen in enumerate([150, 300, 450, 1000, 12345], start=1):
        theirs.iteration_ends(seen)
        assert ours(epoch, 0.3, 0.0, None, samples_seen=seen) == theirs.learning_rate
    assert ours(0, 0.3, 0.3, None, samples_seen=0) == 0.3
    with pytest.raises(ValueError, match="samples_seen"):
        ours(1, 0.3, 0.3, 1.0)
    assert get_schedule("invscaling", power_t=0.25).power_t == 0.25


def test_adaptive_divides_by_five_on_each_plateau_until_1e_6_as_sklearn():
    from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

    from mlpkit.schedules import AdaptiveLR

    theirs = SGDOptimizer([np.zeros(2)], learning_rate_init=0.01, lr_schedule="adaptive")
    ours, lr = AdaptiveLR(), 0.01
    assert ours(3, 0.01, lr, 0.5) == lr  # nothing happens at an epoch's end
    plateaus = 0
    while True:
        stop = theirs.trigger_stopping("", verbose=False)
        new = ours.on_plateau(lr)
        assert (new is None) == stop
        if stop:
            break
        lr, plateaus = new, plateaus + 1
        assert lr == theirs.learning_rate
    # 0.01 / 5^k <= 1e-6 first at k = 6.
    assert plateaus == 6 and lr <= 1e-6 < lr * 5
