"""CBOW's layers, forward and backward side by side.

(lectures: L4 "Optional: Continuous Bag of Words", "Optional: Window of Size 2")

* :class:`ContextMean`, the shared embedding and the average of the context vectors:
  ``h = (1/|C|) Σ_c W x_c``;
* :class:`SoftmaxOutput`, the lecture's full softmax; its cost grows with V (every step
  scores every word), which suits small vocabularies;
* :class:`NegativeSamplingOutput`, *beyond the lecture*: Mikolov et al. (2013b)'s
  negative sampling replaces the V-way softmax by k + 1 logistic regressions — the
  target against k words drawn from the unigram distribution raised to 3/4 — so a
  step costs O(k N) instead of O(V N). It is what word2vec and gensim use by default.

Contract
--------
As in :mod:`mlpkit.layers`, a layer declares its parameters with ``param_shapes`` and
never allocates them: :class:`~mlpkit.word2vec.CBOW` owns ONE flat parameter vector
``w = [W | W']`` and a flat gradient of the same layout, binds each layer's views into
them, and trains with any optimizer of :mod:`mlpkit.optimizers` through
``opt.step(w, g)``. ``backward`` overwrites the layer's gradient views.

References
----------
Mikolov, Sutskever, Chen, Corrado, Dean (2013b), "Distributed representations of words
and phrases and their compositionality", NeurIPS (negative sampling).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..layers import bind_views

__all__ = ["ContextMean", "NegativeSamplingOutput", "SoftmaxOutput"]

Array = np.ndarray


class _Bound:
    """Parameter views into the model's flat vector (see the module's Contract)."""

    def param_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        raise NotImplementedError

    def bind(self, params: Array, grads: Array) -> None:
        """Views of the flat vectors, as mlpkit's layers bind theirs."""
        bind_views(self, self.param_shapes(), params, grads)


def _scatter_rows(out: Array, rows: Array, weights: Array, values: Array) -> None:
    """``out[:] = 0; np.add.at(out, rows[b, j], weights[b, j] * values[b])`` for all b, j.

    Written as a sparse (n_rows × batch) matrix times ``values``: the duplicates of a row
    are summed like bincount does, ~13× faster than ``np.add.at`` on (2000, 100) here.

    Parameters
    ----------
    out : ndarray of shape (n_rows, n_dims)
    rows : int ndarray of shape (batch, k)
    weights : ndarray of shape (batch, k)
    values : ndarray of shape (batch, n_dims)
    """
    batch, k = rows.shape
    S = sp.csr_matrix(
        (weights.ravel(), (rows.ravel(), np.repeat(np.arange(batch), k))),
        shape=(out.shape[0], batch),
    )
    out[...] = S @ values


class ContextMean(_Bound):
    """The shared embedding and the average: ``h = (1/|C|) Σ_{c ∈ C} W x_c``.

    Parameters
    ----------
    n_words, n_dims : int

    Attributes
    ----------
    W : ndarray of shape (n_words, n_dims)
        Row i is word i's vector: the lecture's ``W`` (n_dims × V) transposed, so
        ``W x_c`` (a one-hot product) is the row lookup ``W[c]``.

    Notes
    -----
    Forward, for a batch of windows with context ids ``C`` (batch, k) and weights ``M``
    (batch, k) — ``1/|C_b|`` for the words of window b, 0 for padding:
    :math:`h_b = Σ_j M_{bj} W[C_{bj}]`.

    Backward: :math:`dW[i] = Σ_{b,j : C_{bj} = i} M_{bj} \\, dh_b` — the shared
    embedding receives one contribution per context position, accumulated (a word twice
    in one window counts twice). No gradient flows to ``C`` (indices).
    """

    W: Array
    dW: Array

    def __init__(self, n_words: int, n_dims: int):
        self.n_words, self.n_dims = int(n_words), int(n_dims)
        self._C: Array | None = None
        self._M: Array | None = None

    def __repr__(self) -> str:
        return f"ContextMean({self.n_words} words → {self.n_dims})"

    def param_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        return [("W", (self.n_words, self.n_dims))]

    def forward(self, C: Array, M: Array) -> Array:
        self._C, self._M = C, M
        # h = Σ_j M[:, j] · W[C[:, j]]  (v_c = W x_c is a row lookup; M holds 1/|C|)
        return np.einsum("bk,bkn->bn", M, self.W[C])

    def backward(self, dH: Array) -> None:
        assert self._C is not None and self._M is not None, "forward must run before backward"
        _scatter_rows(self.dW, self._C, self._M, dH)  # dW[c] += M_bj dh_b


class SoftmaxOutput(_Bound):
    """The lecture's output: ``y = softmax(W' h)`` with cross-entropy on the target.

    Attributes
    ----------
    W_out : ndarray of shape (n_words, n_dims)
        The lecture's ``W'`` (V × N): row i scores word i.

    Notes
    -----
    Forward: :math:`Z = H W'^T` (batch, V), :math:`Y = \\mathrm{softmax}(Z)`,
    :math:`E = -\\frac1B Σ_b \\log Y_{b, t_b}` (mean over the batch).

    Backward (softmax with cross-entropy, the canonical link):
    :math:`dZ = (Y - T)/B`, :math:`dW' = dZ^T H`, :math:`dH = dZ W'`.
    """

    W_out: Array
    dW_out: Array

    def __init__(self, n_words: int, n_dims: int):
        self.n_words, self.n_dims = int(n_words), int(n_dims)
        self._H: Array | None = None
        self._Y: Array | None = None
        self._t: Array | None = None

    def __repr__(self) -> str:
        return f"SoftmaxOutput({self.n_dims} → {self.n_words} words)"

    def param_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        return [("W_out", (self.n_words, self.n_dims))]

    def forward(self, H: Array, targets: Array, negatives: Array | None = None) -> float:
        Z = H @ self.W_out.T  # Z = W' h, one row per window
        Z -= Z.max(axis=1, keepdims=True)  # shift for exp's range; softmax unchanged
        np.exp(Z, out=Z)
        Z /= Z.sum(axis=1, keepdims=True)  # Y = softmax(Z)
        self._H, self._Y, self._t = H, Z, targets
        p = Z[np.arange(len(targets)), targets]
        return float(-np.mean(np.log(np.maximum(p, np.finfo(Z.dtype).tiny))))

    def backward(self) -> Array:
        assert self._Y is not None and self._H is not None and self._t is not None
        dZ = self._Y  # reuse Y's buffer: dZ = (Y - T) / B
        dZ[np.arange(len(self._t)), self._t] -= 1.0
        dZ /= len(self._t)
        np.matmul(dZ.T, self._H, out=self.dW_out)  # dW' = dZᵀ H
        return dZ @ self.W_out  # dH = dZ W'


class NegativeSamplingOutput(_Bound):
    """Negative sampling (beyond the lecture): the target against k sampled words.

    Attributes
    ----------
    W_out : ndarray of shape (n_words, n_dims)
        Output vectors, as in :class:`SoftmaxOutput`.

    Notes
    -----
    For window b with target :math:`t_b` and sampled words :math:`n_{b1..bk}`, let
    :math:`S_b = (t_b, n_{b1}, …, n_{bk})`, labels :math:`ℓ = (1, 0, …, 0)` and scores
    :math:`s_{bj} = W'[S_{bj}] · h_b`. Forward (Mikolov et al. 2013b):

    .. math:: E = \\frac1B Σ_b Σ_j m_{bj} \\, [-ℓ_j \\log σ(s_{bj}) - (1-ℓ_j) \\log σ(-s_{bj})]

    where :math:`m_{bj} = 0` for a sampled word equal to the target (skipped, as in
    word2vec and gensim) and 1 otherwise.

    Backward: :math:`g_{bj} = m_{bj} (σ(s_{bj}) - ℓ_j) / B`,
    :math:`dW'[i] = Σ_{S_{bj} = i} g_{bj} h_b` (accumulated: a word may be drawn twice),
    :math:`dh_b = Σ_j g_{bj} W'[S_{bj}]`.
    """

    W_out: Array
    dW_out: Array

    def __init__(self, n_words: int, n_dims: int):
        self.n_words, self.n_dims = int(n_words), int(n_dims)
        self._H: Array | None = None
        self._S: Array | None = None
        self._U: Array | None = None
        self._g: Array | None = None

    def __repr__(self) -> str:
        return f"NegativeSamplingOutput({self.n_dims} → {self.n_words} words)"

    def param_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        return [("W_out", (self.n_words, self.n_dims))]

    def forward(self, H: Array, targets: Array, negatives: Array | None = None) -> float:
        if negatives is None:
            raise ValueError("negative sampling needs the sampled words (batch, k)")
        B = len(targets)
        S = np.concatenate([targets[:, None], negatives], axis=1)  # (B, k+1)
        U = self.W_out[S]  # (B, k+1, N)
        s = np.einsum("bjn,bn->bj", U, H)  # s_bj = W'[S_bj] · h_b
        label = np.zeros(s.shape, dtype=H.dtype)
        label[:, 0] = 1.0
        m = np.ones(s.shape, dtype=H.dtype)
        m[:, 1:] = negatives != targets[:, None]  # a sampled target is skipped
        sign = 2.0 * label - 1.0
        # -log σ(±s) = softplus(∓s), written stably with logaddexp
        E = float(np.sum(m * np.logaddexp(0.0, -sign * s)) / B)
        sig = 0.5 * (1.0 + np.tanh(0.5 * s))  # σ(s) without overflow
        self._H, self._S, self._U = H, S, U
        self._g = m * (sig - label) / B
        return E

    def backward(self) -> Array:
        assert self._g is not None and self._S is not None and self._U is not None
        assert self._H is not None
        _scatter_rows(self.dW_out, self._S, self._g, self._H)  # dW'[S_bj] += g_bj h_b
        return np.einsum("bj,bjn->bn", self._g, self._U)  # dh_b = Σ_j g_bj W'[S_bj]
