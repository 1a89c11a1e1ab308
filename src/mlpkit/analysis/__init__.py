"""Looking inside networks the way the lectures do: gradient checks, parameter counts,
linear regions, activation patterns and representations."""

from ..network import parameter_count
from .gradcheck import GradCheckResult, check_gradients, numerical_gradient, relative_error
from .inspect import (
    dead_units,
    default_grid,
    gradient_norms,
    hidden_unit_decomposition,
    layer_svd,
    saturated_units,
    warp_grid,
)
from .regions import (
    Region,
    activation_patterns,
    breakpoints_1d,
    count_linear_regions_1d,
    count_linear_regions_2d,
    count_peaks,
    hidden_activations,
    linear_regions_2d,
    max_regions_deep,
    max_regions_shallow,
    region_map,
)

__all__ = [
    "GradCheckResult",
    "Region",
    "activation_patterns",
    "breakpoints_1d",
    "check_gradients",
    "count_linear_regions_1d",
    "count_linear_regions_2d",
    "count_peaks",
    "dead_units",
    "default_grid",
    "gradient_norms",
    "hidden_activations",
    "hidden_unit_decomposition",
    "layer_svd",
    "linear_regions_2d",
    "max_regions_deep",
    "max_regions_shallow",
    "numerical_gradient",
    "parameter_count",
    "region_map",
    "relative_error",
    "saturated_units",
    "warp_grid",
]
