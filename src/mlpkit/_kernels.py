"""One-pass optimizer updates, compiled with numba (the optional ``fast`` extra).

Each kernel is the NumPy path of :mod:`mlpkit.optimizers` written as one loop: it reads
every array once and writes each updated array once, where the NumPy path makes up to a
dozen passes over the 1 MiB vectors of a 269k-parameter network. The operations, their
order and their precision are the NumPy path's, one element at a time, so both paths give
the same bits (``fastmath`` stays off: it would let LLVM reassociate and fuse
multiply-adds). The caller passes the scalars in one small array ``c`` of the arrays'
dtype, so a float32 vector is updated in float32 arithmetic as NumPy does (a float64
scalar would promote each element to float64 and round differently); one array is also
cheaper to pass than a dozen scalars (a step of a 151-parameter net is mostly the call).

Subnormal state: every kernel with state takes ``flush`` and ``tiny`` (in ``c``); on a flushing
step it stores 0 for a state value below ``tiny`` (the smallest normal float), as
:meth:`mlpkit.optimizers.Optimizer.step` does on the NumPy path on the same steps.

This module imports numba at its top: :mod:`mlpkit.optimizers` imports it only when the
accelerator is used (see :func:`mlpkit.optimizers.accelerator_for`). ``cache=True`` keeps
the machine code on disk, so the compilation (about a second per kernel and dtype) is
paid once per machine and a later process only loads it.
"""

from __future__ import annotations

import numba
import numpy as np


def _jit(fn):
    # error_model="numpy": float division by zero gives inf/nan as in NumPy, without the
    # per-element check (and the lost vectorisation) of Python's ZeroDivisionError.
    options = dict(nogil=True, fastmath=False, error_model="numpy")
    try:
        return numba.njit(cache=True, **options)(fn)
    except RuntimeError:  # no writable cache directory (a read-only install): compile
        return numba.njit(cache=False, **options)(fn)  # in every process instead


@_jit
def sgd(w, g, c, flush):  # pragma: no cover - compiled
    # w ← w - η g
    lr = c[0]
    for i in range(w.shape[0]):
        w[i] = w[i] - g[i] * lr


@_jit
def momentum(w, g, v, c, flush):  # pragma: no cover - compiled
    # v ← μ v + g;  w ← w - η v
    lr, mu, tiny = c[0], c[1], c[2]
    zero = tiny - tiny  # 0 in the arrays' dtype
    for i in range(w.shape[0]):
        vi = v[i] * mu + g[i]
        v[i] = zero if flush and abs(vi) < tiny else vi
        w[i] = w[i] - vi * lr


@_jit
def nesterov(w, g, v, c, flush):  # pragma: no cover - compiled
    # v ← μ v + g;  w ← w - η (g + μ v)
    lr, mu, tiny = c[0], c[1], c[2]
    zero = tiny - tiny  # 0 in the arrays' dtype
    for i in range(w.shape[0]):
        gi = g[i]
        vi = v[i] * mu + gi
        v[i] = zero if flush and abs(vi) < tiny else vi
        w[i] = w[i] - (vi * mu + gi) * lr


@_jit
def rmsprop(w, g, sq, c, flush):  # pragma: no cover - compiled
    # s ← ρ s + (1 - ρ) g²;  w ← w - η g / (√s + ε)
    lr, rho, one_minus_rho, eps, tiny = c[0], c[1], c[2], c[3], c[4]
    zero = tiny - tiny  # 0 in the arrays' dtype
    for i in range(w.shape[0]):
        gi = g[i]
        si = sq[i] * rho + gi * gi * one_minus_rho
        sq[i] = zero if flush and si < tiny else si
        w[i] = w[i] - gi / (np.sqrt(si) + eps) * lr


@_jit
def adam(w, g, m, v, c, flush):  # pragma: no cover - compiled
    # m ← β1 m + (1 - β1) g;  v ← β2 v + (1 - β2) g²;  w ← w (1 - η λ) - m / (a √v + e),
    # the caller folding the bias correction into a = 1 / (s √(1 - β2ᵗ)) and e = ε / s
    # with s = η / (1 - β1ᵗ), so that m / (a √v + e) = η m̂ / (√v̂ + ε).
    b1, one_minus_b1, b2, one_minus_b2 = c[0], c[1], c[2], c[3]
    a, e, decay, tiny = c[4], c[5], c[6], c[7]
    zero = tiny - tiny  # 0 in the arrays' dtype
    for i in range(w.shape[0]):
        gi = g[i]
        mi = m[i] * b1 + gi * one_minus_b1
        vi = v[i] * b2 + gi * gi * one_minus_b2
        m[i] = zero if flush and abs(mi) < tiny else mi
        v[i] = zero if flush and vi < tiny else vi
        w[i] = w[i] * decay - mi / (np.sqrt(vi) * a + e)


@_jit
def sklearn_sgd(w, g, v, c, flush, nesterov):  # pragma: no cover - compiled
    # v ← μ v - η g;  w ← w + v,  or with Nesterov  w ← w - η g + μ v
    lr, mu, tiny = c[0], c[1], c[2]
    zero = tiny - tiny  # 0 in the arrays' dtype
    for i in range(w.shape[0]):
        step = g[i] * lr
        vi = v[i] * mu - step
        v[i] = zero if flush and abs(vi) < tiny else vi
        if nesterov:
            w[i] = (w[i] - step) + vi * mu
        else:
            w[i] = w[i] + vi


@_jit
def sklearn_adam(w, g, m, v, c, flush):  # pragma: no cover - compiled
    # m, v as Adam;  w ← w - η_t m / (√v + ε)
    b1, one_minus_b1, b2, one_minus_b2 = c[0], c[1], c[2], c[3]
    lr_t, eps, tiny = c[4], c[5], c[6]
    zero = tiny - tiny  # 0 in the arrays' dtype
    for i in range(w.shape[0]):
        gi = g[i]
        mi = m[i] * b1 + gi * one_minus_b1
        vi = v[i] * b2 + gi * gi * one_minus_b2
        m[i] = zero if flush and abs(mi) < tiny else mi
        v[i] = zero if flush and vi < tiny else vi
        w[i] = w[i] - mi / (np.sqrt(vi) + eps) * lr_t
