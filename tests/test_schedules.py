import math

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
