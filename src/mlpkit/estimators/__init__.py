"""scikit-learn estimators on top of the core engine: :class:`MLPClassifier`, :class:`MLPRegressor`.

Drop-in replacements for :mod:`sklearn.neural_network`'s estimators: the same parameter
names, defaults and meanings, the same fitted attributes, and the same training
algorithm (mini-batches of ``min(200, n_samples)``, the L2 penalty
``alpha / (2 n_batch) Σ ||W||²`` added to each batch's loss, ``tol`` /
``n_iter_no_change`` stopping, adaptive and inverse-scaling learning rates, early
stopping on the validation *score*, L-BFGS through SciPy). On top of those:
an activation per hidden layer (any name of :data:`mlpkit.ACTIVATIONS`), a choice of
initialisation, dropout, residual blocks, layer norm, gradient clipping, a learning-rate
schedule, ``class_weight``, ``dtype``, callbacks, a validation-loss curve and
``transform`` (hidden activations).

The network is an :class:`mlpkit.MLP` stored as ``net_``; ``coefs_`` and ``intercepts_``
are views into its flat parameter vector, so they always show the current weights
(after unpickling, ``partial_fit`` and ``warm_start`` too). The optimizer keeps only its
own state (moments, step count) and never references the weights: scikit-learn's issue
#19626, where ``partial_fit`` stopped learning after a pickle round trip, cannot happen.

Conventions that differ from scikit-learn on purpose are listed in docs/estimators.md.
"""

from .classifier import MLPClassifier
from .regressor import MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
