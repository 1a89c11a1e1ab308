"""Looking inside networks the way the lectures do: gradient checks, parameter counts,
linear regions, activation patterns and representations."""

from ..network import parameter_count
from .gradcheck import GradCheckResult, check_gradients, numerical_gradient, relative_error

__all__ = [
    "GradCheckResult",
    "check_gradients",
    "numerical_gradient",
    "parameter_count",
    "relative_error",
]
