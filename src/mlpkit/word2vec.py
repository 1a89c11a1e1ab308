"""Word vectors by continuous bag of words (CBOW), on mlpkit's engine.

(lectures: L4 "Optional: Continuous Bag of Words", "Optional: Window of Size 2")

The lecture's model predicts the middle word of a window from the words around it.
Every context word ``c`` is a one-hot vector ``x_c`` of length V (the vocabulary); a
shared embedding matrix maps it to ``v_c = W x_c``; the context vectors are averaged,
and a second matrix ``W'`` scores every word of the vocabulary::

    v_c = W x_c                     for each context word c      (shared W)
    h   = (1/|C|) Σ_c v_c           the average                  (n_dims,)
    y   = softmax(W' h)             a distribution over words    (V,)
    E   = -log y[target]            cross-entropy

After training, the columns of the lecture's ``W`` (rows of :attr:`CBOW.W` here) are
the word vectors: words that occur in similar contexts get similar vectors, and
differences between vectors carry relations ("Beijing is to China what Bern is to
Switzerland": ``China - Beijing + Bern ≈ Switzerland``).

Two output layers are written out below, forward and backward side by side:

* :class:`SoftmaxOutput`, the lecture's full softmax; its cost grows with V (every step
  scores every word), which suits small vocabularies;
* :class:`NegativeSamplingOutput`, *beyond the lecture*: Mikolov et al. (2013b)'s
  negative sampling replaces the V-way softmax by k + 1 logistic regressions — the
  target against k words drawn from the unigram distribution raised to 3/4 — so a
  step costs O(k N) instead of O(V N). It is what word2vec and gensim use by default.

Contract
--------
As in :mod:`mlpkit.layers`, a layer declares its parameters with ``param_shapes`` and
never allocates them: :class:`CBOW` owns ONE flat parameter vector
``w = [W | W']`` and a flat gradient of the same layout, binds each layer's views into
them, and trains with any optimizer of :mod:`mlpkit.optimizers` through
``opt.step(w, g)``. ``backward`` overwrites the layer's gradient views.

References
----------
Mikolov, Chen, Corrado, Dean (2013a), "Efficient estimation of word representations in
vector space", arXiv:1301.3781 (CBOW, the analogy test set ``questions-words.txt``).
Mikolov, Sutskever, Chen, Corrado, Dean (2013b), "Distributed representations of words
and phrases and their compositionality", NeurIPS (negative sampling, subsampling).
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .optimizers import Optimizer, get_optimizer

__all__ = [
    "AnalogyResult",
    "CBOW",
    "ContextMean",
    "NegativeSamplingOutput",
    "SoftmaxOutput",
    "Vocabulary",
    "bundled_text",
    "read_analogies",
    "read_corpus",
    "tokenize",
]

Array = np.ndarray

# Letters (any script), optionally joined by one apostrophe or hyphen: "don't", "south-west".
# Digits and punctuation are dropped, as gensim's simple_preprocess does.
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


# ---------------------------------------------------------------------------------------
# Text: tokens, corpus files, vocabulary
# ---------------------------------------------------------------------------------------
def tokenize(text: str, lowercase: bool = True) -> list[str]:
    """Split ``text`` into word tokens (runs of letters; digits and punctuation dropped).

    >>> tokenize("Beijing is to China what Bern is to Switzerland.")
    ['beijing', 'is', 'to', 'china', 'what', 'bern', 'is', 'to', 'switzerland']
    """
    if lowercase:
        text = text.lower()
    return _TOKEN.findall(text)


def read_corpus(path: str | os.PathLike[str], lowercase: bool = True) -> list[list[str]]:
    """Read a plain-text corpus: one sentence (or document) per line, UTF-8.

    Windows never cross a line break. Blank lines are skipped.

    Returns
    -------
    list of list of str
        The tokens of each non-empty line.

    Raises
    ------
    FileNotFoundError, IsADirectoryError, ValueError
        With the path and what to give instead.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(
            f"No corpus file at '{p}'. Give the path of a UTF-8 plain-text file with one "
            "sentence or document per line."
        )
    if p.is_dir():
        raise IsADirectoryError(
            f"'{p}' is a directory; give the path of one UTF-8 plain-text corpus file."
        )
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"The corpus file '{p}' is not UTF-8 text (byte {exc.start}: {exc.reason}). "
            "Convert it, e.g. `iconv -f latin1 -t utf-8`, or give a text file."
        ) from None
    sentences = [toks for line in text.splitlines() if (toks := tokenize(line, lowercase))]
    if not sentences:
        raise ValueError(
            f"The corpus file '{p}' contains no words ({p.stat().st_size} bytes, "
            "no run of letters). Give a text file with one sentence per line."
        )
    return sentences


def bundled_text(name: str) -> Path:
    """Path of a text file shipped in gensim's wheel (offline; nothing is downloaded).

    Parameters
    ----------
    name : str
        ``"lee_background.cor"`` (300 news documents, ~60k words),
        ``"head500.noblanks.cor"`` (500 stemmed Wikipedia articles, ~330k words) or
        ``"questions-words.txt"`` (Mikolov et al.'s 19,544 analogy questions).

    Raises
    ------
    ImportError
        When gensim is not installed (``pip install 'mlpkit[text]'``).
    FileNotFoundError
        When this gensim version does not ship ``name``.
    """
    try:
        import gensim
    except ImportError:
        raise ImportError(
            f"'{name}' comes from gensim's test data, and gensim is not installed. "
            "Install it with: pip install 'mlpkit[text]' (or give your own text file)."
        ) from None
    path = Path(gensim.__file__).parent / "test" / "test_data" / name
    if not path.is_file():
        raise FileNotFoundError(
            f"gensim {gensim.__version__} does not ship '{name}' in {path.parent}; "
            "give your own file instead."
        )
    return path


class Vocabulary:
    """Words kept for training (count ≥ ``min_count``), most frequent first.

    Ties are broken alphabetically, so the same corpus always gives the same indices.

    Attributes
    ----------
    words : list of str
    counts : ndarray of shape (n_words,), int64
    min_count : int
    """

    def __init__(self, words: Sequence[str], counts: Sequence[int], min_count: int = 1):
        self.words = list(words)
        self.counts = np.asarray(counts, dtype=np.int64)
        self.min_count = int(min_count)
        self.index = {w: i for i, w in enumerate(self.words)}

    @classmethod
    def build(
        cls, sentences: Iterable[Sequence[str]], min_count: int = 5, max_size: int | None = None
    ) -> Vocabulary:
        """Count the tokens of ``sentences`` and keep those seen ``min_count`` times or more
        (at most ``max_size`` of them, the most frequent)."""
        counter: Counter[str] = Counter()
        for s in sentences:
            counter.update(s)
        items = sorted(
            ((w, c) for w, c in counter.items() if c >= min_count), key=lambda t: (-t[1], t[0])
        )
        if max_size is not None:
            items = items[: int(max_size)]
        if len(items) < 2:
            raise ValueError(
                f"Only {len(items)} distinct word(s) occur at least min_count={min_count} "
                f"times in a corpus of {sum(counter.values())} tokens "
                f"({len(counter)} distinct); lower min_count or give a larger corpus."
            )
        return cls([w for w, _ in items], [c for _, c in items], min_count)

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> int:
        try:
            return self.index[word]
        except KeyError:
            raise KeyError(
                f"'{word}' is not in the vocabulary ({len(self)} words seen at least "
                f"min_count={self.min_count} times); check the spelling and case, or "
                "lower min_count."
            ) from None

    def __repr__(self) -> str:
        head = ", ".join(self.words[:5])
        return f"Vocabulary({len(self):,} words, min_count={self.min_count}: {head}, …)"

    def encode(self, sentences: Iterable[Sequence[str]]) -> tuple[Array, Array]:
        """Token ids and sentence ids of the in-vocabulary tokens, as two int64 arrays.

        Out-of-vocabulary tokens are removed before windowing (as word2vec does), so a
        window reaches past them."""
        ids: list[int] = []
        sid: list[int] = []
        for k, s in enumerate(sentences):
            row = [self.index[w] for w in s if w in self.index]
            ids.extend(row)
            sid.extend([k] * len(row))
        return np.asarray(ids, dtype=np.int64), np.asarray(sid, dtype=np.int64)


# ---------------------------------------------------------------------------------------
# Layers: forward and backward side by side
# ---------------------------------------------------------------------------------------
class _Bound:
    """Parameter views into the model's flat vector (see the module's Contract)."""

    def param_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        raise NotImplementedError

    def bind(self, params: Array, grads: Array) -> None:
        offset = 0
        for name, shape in self.param_shapes():
            size = int(np.prod(shape))
            setattr(self, name, params[offset : offset + size].reshape(shape))
            setattr(self, "d" + name, grads[offset : offset + size].reshape(shape))
            offset += size


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


# ---------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------
@dataclass
class AnalogyResult:
    """Accuracy on analogy questions ``a : b :: c : d`` (predicted d = b - a + c).

    Attributes
    ----------
    correct, total : int
        Over the questions whose four words are all in the vocabulary.
    skipped : int
        Questions with a word outside the vocabulary (not counted in ``total``).
    sections : dict
        ``{section: (correct, total)}``.
    """

    correct: int
    total: int
    skipped: int
    sections: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        """correct / total (NaN when no question could be asked)."""
        return self.correct / self.total if self.total else float("nan")

    def __repr__(self) -> str:
        return (
            f"AnalogyResult({self.correct}/{self.total} correct = {self.accuracy:.1%}, "
            f"{self.skipped} skipped as out of vocabulary)"
        )


def read_analogies(
    path: str | os.PathLike[str], lowercase: bool = True
) -> list[tuple[str, str, str, str, str]]:
    """Read analogy questions in word2vec's ``questions-words.txt`` format.

    Lines ``: section`` start a section; other lines hold four words ``a b c d``
    meaning "a is to b what c is to d".

    Returns
    -------
    list of (section, a, b, c, d)
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(
            f"No analogy file at '{p}'. Give a file in word2vec's questions-words.txt "
            "format (': section' lines, then 'a b c d' per line)."
        )
    out = []
    section = ""
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith(":"):
            section = line[1:].strip()
            continue
        words = line.lower().split() if lowercase else line.split()
        if len(words) != 4:
            raise ValueError(
                f"{p}, line {n}: expected four words 'a b c d', got {len(words)}: {line!r}"
            )
        out.append((section, words[0], words[1], words[2], words[3]))
    if not out:
        raise ValueError(f"The analogy file '{p}' holds no question lines 'a b c d'.")
    return out


class CBOW:
    """Continuous bag of words (lectures: L4 "Optional: Continuous Bag of Words").

    Parameters
    ----------
    vector_size : int
        N, the dimension of the word vectors.
    window : int
        Context words on each side of the target (the lecture's "window of size 2" is
        ``window=1``: one word left, one right).
    min_count : int
        Words seen fewer times are dropped from the corpus.
    objective : {"auto", "softmax", "negative"}
        ``"softmax"``: the lecture's full softmax (cost ∝ V per step);
        ``"negative"``: negative sampling (beyond the lecture); ``"auto"`` picks the
        softmax up to ``softmax_max_words`` words, negative sampling above.
    negative : int
        k, sampled words per target, for negative sampling.
    sample : float
        Subsampling threshold of frequent words (Mikolov et al. 2013b, word2vec's and
        gensim's formula): a word of relative frequency f is kept with probability
        :math:`(\\sqrt{f/s} + 1) s/f`; 0 disables it. Redrawn every epoch.
    shrink_windows : bool
        Draw each target's window size uniformly in 1..window (word2vec's and gensim's
        default), which weights near words more.
    max_vocab : int or None
        Keep at most this many (the most frequent) words.
    softmax_max_words : int
        Largest vocabulary for which ``"auto"`` uses the full softmax.
    ns_exponent : float
        Negative words are drawn ∝ count^ns_exponent (0.75 in word2vec).
    random_state : int
        Seeds the initialisation, window sizes, subsampling, order and negatives.
    dtype : numpy dtype
        float32 (default) or float64 (gradient checks).

    Attributes
    ----------
    vocab : Vocabulary
    params : ndarray of shape (2 V N,)
        The flat parameter vector ``[W | W']``.
    W : ndarray of shape (V, N)
        The word vectors (a view into ``params``).
    W_out : ndarray of shape (V, N)
        The output matrix ``W'`` (a view into ``params``).
    history : list of float
        Mean training loss of each epoch.
    train_seconds : float
        Wall time of the last :meth:`fit`.

    Examples
    --------
    >>> sents = [["the", "cat", "sat", "on", "the", "mat"]] * 50
    >>> m = CBOW(vector_size=8, window=2, min_count=1, sample=0, random_state=0)
    >>> m.fit(sents, epochs=2).vocab.words[:3]
    ['the', 'cat', 'mat']
    """

    def __init__(
        self,
        vector_size: int = 100,
        window: int = 5,
        min_count: int = 5,
        objective: str = "auto",
        negative: int = 5,
        sample: float = 1e-3,
        shrink_windows: bool = True,
        max_vocab: int | None = None,
        softmax_max_words: int = 2000,
        ns_exponent: float = 0.75,
        random_state: int = 0,
        dtype: Any = np.float32,
    ):
        for name, value, lo in (
            ("vector_size", vector_size, 1),
            ("window", window, 1),
            ("min_count", min_count, 1),
            ("negative", negative, 1),
        ):
            if not isinstance(value, (int, np.integer)) or value < lo:
                raise ValueError(f"CBOW's {name} must be an integer >= {lo}; got {value!r}.")
        if objective not in ("auto", "softmax", "negative"):
            raise ValueError(
                f"CBOW's objective must be 'auto', 'softmax' or 'negative'; got {objective!r}."
            )
        if not (isinstance(sample, (int, float)) and 0 <= sample < 1):
            raise ValueError(f"CBOW's sample must be a number in [0, 1); got {sample!r}.")
        self.vector_size = int(vector_size)
        self.window = int(window)
        self.min_count = int(min_count)
        self.objective = objective
        self.negative = int(negative)
        self.sample = float(sample)
        self.shrink_windows = bool(shrink_windows)
        self.max_vocab = max_vocab
        self.softmax_max_words = int(softmax_max_words)
        self.ns_exponent = float(ns_exponent)
        self.random_state = int(random_state)
        self.dtype = np.dtype(dtype)
        self.vocab: Vocabulary | None = None
        self.history: list[float] = []
        self.train_seconds = 0.0
        self._unit: Array | None = None

    # -- structure ----------------------------------------------------------------------
    @property
    def uses_softmax(self) -> bool:
        """True when the output is the full softmax, False for negative sampling."""
        if self.objective == "auto":
            return self.vocab is not None and len(self.vocab) <= self.softmax_max_words
        return self.objective == "softmax"

    def build_vocab(self, corpus: Any) -> CBOW:
        """Build the vocabulary from ``corpus`` and initialise the parameters.

        Parameters
        ----------
        corpus : path, or iterable of token lists
            A text file (one sentence per line) or sentences as lists of str.
        """
        sentences = self._sentences(corpus)
        vocab = Vocabulary.build(sentences, self.min_count, self.max_vocab)
        self._init_params(vocab)
        return self

    def _init_params(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        V, N = len(vocab), self.vector_size
        self.params = np.zeros(2 * V * N, dtype=self.dtype)
        self.grad = np.zeros_like(self.params)
        self.embed = ContextMean(V, N)
        self.output: SoftmaxOutput | NegativeSamplingOutput = (
            SoftmaxOutput(V, N) if self.uses_softmax else NegativeSamplingOutput(V, N)
        )
        self.embed.bind(self.params[: V * N], self.grad[: V * N])
        self.output.bind(self.params[V * N :], self.grad[V * N :])
        # word2vec's initialisation: W uniform in ±0.5/N, W' zero (Mikolov et al.'s code).
        rng = np.random.default_rng([self.random_state, 0])
        self.embed.W[...] = rng.uniform(-0.5 / N, 0.5 / N, (V, N))
        self.output.W_out[...] = 0.0
        # Negative words are drawn from count^0.75, normalised (Mikolov et al. 2013b).
        p = vocab.counts.astype(np.float64) ** self.ns_exponent
        self._neg_cdf = np.cumsum(p / p.sum())
        self.history = []
        self._unit = None

    @property
    def W(self) -> Array:
        return self._built().embed.W

    @property
    def W_out(self) -> Array:
        return self._built().output.W_out

    def _built(self) -> CBOW:
        self._vocab()
        return self

    def _vocab(self) -> Vocabulary:
        if self.vocab is None:
            raise RuntimeError("This CBOW has no vocabulary yet: call fit(corpus) first.")
        return self.vocab

    def __repr__(self) -> str:
        if self.vocab is None:
            size = "not trained"
        else:
            out = "full softmax" if self.uses_softmax else f"negative sampling k={self.negative}"
            size = f"{len(self.vocab):,} words, {out}, {self.params.size:,} parameters"
        return f"CBOW({self.vector_size} dims, window {self.window}, {size})"

    # -- the model's loss and gradient --------------------------------------------------
    def loss_grad(
        self, C: Array, M: Array, targets: Array, negatives: Array | None = None
    ) -> tuple[float, Array]:
        """Mean loss of a batch of windows and its gradient on the flat parameters.

        Parameters
        ----------
        C : int ndarray of shape (batch, k)
            Context word ids (padding: any id, with weight 0).
        M : ndarray of shape (batch, k)
            Averaging weights: 1/|C_b| on the context words of window b, 0 on padding.
        targets : int ndarray of shape (batch,)
            The middle words.
        negatives : int ndarray of shape (batch, n_negative), optional
            Sampled words (negative sampling only).

        Returns
        -------
        loss : float
        grad : ndarray of shape (2 V N,)
            The model's gradient buffer (overwritten by the next call), layout ``[W | W']``.
        """
        self._built()
        H = self.embed.forward(C, M.astype(self.dtype, copy=False))
        loss = self.output.forward(H, targets, negatives)
        dH = self.output.backward()
        self.embed.backward(dH)
        return loss, self.grad

    def windows(self, ids: Array, sid: Array, rng: np.random.Generator) -> tuple[Array, Array]:
        """Contexts of every position of a token stream.

        Parameters
        ----------
        ids, sid : int ndarray of shape (n,)
            Token ids and their sentence ids (windows stop at sentence boundaries).
        rng : Generator
            Draws each target's window size when ``shrink_windows``.

        Returns
        -------
        C : int ndarray of shape (n, 2 window)
        M : ndarray of shape (n, 2 window)
            1/|C| on the context words, 0 elsewhere (a row of zeros: no context).
        """
        n, w = len(ids), self.window
        reach = rng.integers(1, w + 1, n) if self.shrink_windows else np.full(n, w)
        offsets = np.concatenate([np.arange(-w, 0), np.arange(1, w + 1)])
        pos = np.arange(n)[:, None] + offsets[None, :]
        inside = (pos >= 0) & (pos < n)
        pos = np.clip(pos, 0, max(n - 1, 0))
        valid = inside & (sid[pos] == sid[:, None]) & (np.abs(offsets)[None, :] <= reach[:, None])
        count = valid.sum(axis=1, keepdims=True)
        M = np.where(valid, 1.0 / np.maximum(count, 1), 0.0)
        return np.where(valid, ids[pos], 0), M

    def _keep(self, ids: Array, rng: np.random.Generator) -> Array:
        """Subsampling mask: keep a word of frequency f with prob. (√(f/s) + 1) s/f."""
        assert self.vocab is not None
        if self.sample <= 0:
            return np.ones(len(ids), dtype=bool)
        f = self.vocab.counts / self.vocab.counts.sum()
        p_keep = np.minimum(1.0, (np.sqrt(f / self.sample) + 1.0) * self.sample / f)
        return rng.random(len(ids)) < p_keep[ids]

    # -- training -----------------------------------------------------------------------
    def fit(
        self,
        corpus: Any,
        epochs: int = 5,
        optimizer: str | Optimizer = "adam",
        lr: float = 0.005,
        batch_size: int = 128,
        verbose: bool = False,
    ) -> CBOW:
        """Train on ``corpus`` with one of mlpkit's optimizers (``opt.step(w, g)``).

        Parameters
        ----------
        corpus : str or PathLike or iterable of list of str
            A UTF-8 text file (one sentence per line) or tokenised sentences. The
            vocabulary is built from it unless :meth:`build_vocab` was called.
        epochs : int
        optimizer : str or Optimizer
            A name from :func:`mlpkit.get_optimizer` ("adam", "sgd", "momentum", …) or
            an optimizer instance (its own lr is then kept).
        lr : float
            Learning rate, for an optimizer given by name.
        batch_size : int
            Windows per step; the loss is their mean.
        verbose : bool
            Print one line per epoch.

        Returns
        -------
        self
        """
        if not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"epochs must be an integer >= 1; got {epochs!r}.")
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"batch_size must be an integer >= 1; got {batch_size!r}.")
        sentences = self._sentences(corpus)
        if self.vocab is None:
            self._init_params(Vocabulary.build(sentences, self.min_count, self.max_vocab))
        assert self.vocab is not None
        ids, sid = self.vocab.encode(sentences)
        if len(ids) < 2:
            raise ValueError(
                "The corpus has fewer than 2 tokens in the vocabulary; nothing to train on."
            )
        opt = optimizer if isinstance(optimizer, Optimizer) else get_optimizer(optimizer, lr=lr)
        if not isinstance(opt, Optimizer):
            raise ValueError("CBOW trains with a step rule (sgd, adam, …), not L-BFGS.")
        t0 = time.perf_counter()
        start = len(self.history)
        for epoch in range(start, start + int(epochs)):
            rng = np.random.default_rng([self.random_state, 1, epoch])
            keep = self._keep(ids, rng)
            C, M = self.windows(ids[keep], sid[keep], rng)
            targets = ids[keep]
            order = rng.permutation(np.flatnonzero(M.any(axis=1)))
            total, n = 0.0, 0
            for b0 in range(0, len(order), batch_size):
                idx = order[b0 : b0 + batch_size]
                neg = None
                if not self.uses_softmax:
                    u = rng.random((len(idx), self.negative))
                    neg = np.minimum(np.searchsorted(self._neg_cdf, u), len(self.vocab) - 1)
                loss, g = self.loss_grad(C[idx], M[idx], targets[idx], neg)
                opt.step(self.params, g)
                total += loss * len(idx)
                n += len(idx)
            self.history.append(total / max(n, 1))
            if verbose:
                print(f"epoch {epoch + 1}: loss {self.history[-1]:.4f} ({n} windows)")
        self.train_seconds = time.perf_counter() - t0
        self._unit = None
        return self

    @staticmethod
    def _sentences(corpus: Any) -> list[list[str]]:
        if isinstance(corpus, (str, os.PathLike)):
            return read_corpus(corpus)
        items = list(corpus)
        if items and all(isinstance(s, str) for s in items):
            raise TypeError(
                "The corpus must be a path or a list of token lists, e.g. "
                "[tokenize(line) for line in lines]; got a list of strings."
            )
        sentences = [list(s) for s in items]
        for k, s in enumerate(sentences):
            if not all(isinstance(w, str) for w in s):
                raise TypeError(f"Sentence {k} of the corpus holds a non-string token: {s!r}")
        if not any(sentences):
            raise ValueError("The corpus is empty: give at least one sentence of words.")
        return sentences

    # -- queries ------------------------------------------------------------------------
    def unit_vectors(self) -> Array:
        """The word vectors scaled to unit length, float64, shape (V, N)."""
        if self._unit is None:
            W = self.W.astype(np.float64)
            self._unit = W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-12)
        return self._unit

    def vector(self, word: str) -> Array:
        """A copy of ``word``'s vector, shape (N,)."""
        return self.W[self._vocab()[word]].copy()

    def _nearest(self, target: Array, exclude: Sequence[int], topn: int) -> list[tuple[str, float]]:
        assert self.vocab is not None
        U = self.unit_vectors()
        sims = U @ (target / max(float(np.linalg.norm(target)), 1e-12))
        sims[list(exclude)] = -np.inf
        top = np.argsort(-sims, kind="stable")[:topn]
        return [(self.vocab.words[i], float(sims[i])) for i in top]

    def most_similar(self, word: str, topn: int = 10) -> list[tuple[str, float]]:
        """The ``topn`` words of largest cosine similarity to ``word`` (itself excluded)."""
        i = self._vocab()[word]
        return self._nearest(self.unit_vectors()[i], [i], topn)

    def analogy(self, a: str, b: str, c: str, topn: int = 1) -> list[tuple[str, float]]:
        """ "a is to b what c is to ?": the words nearest to ``b - a + c`` (unit vectors,
        3CosAdd), a, b and c excluded.

        ``analogy("beijing", "china", "bern")`` asks for Switzerland.
        """
        vocab = self._vocab()
        ia, ib, ic = vocab[a], vocab[b], vocab[c]
        U = self.unit_vectors()
        return self._nearest(U[ib] - U[ia] + U[ic], [ia, ib, ic], topn)

    def evaluate_analogies(
        self,
        questions: str | os.PathLike[str] | Sequence[tuple[str, str, str, str, str]],
        only: set[tuple[str, str, str, str]] | None = None,
    ) -> AnalogyResult:
        """Accuracy on analogy questions (a file in questions-words.txt format, or the
        list :func:`read_analogies` returns).

        A question counts as correct when ``d`` is the nearest word to ``b - a + c`` among
        all words but a, b, c (as gensim's ``evaluate_word_analogies``). Questions with
        a word outside the vocabulary are skipped; ``only`` restricts to a given set of
        ``(a, b, c, d)`` (to compare two models on the same subset).
        """
        vocab = self._vocab()
        qs = read_analogies(questions) if isinstance(questions, (str, os.PathLike)) else questions
        asked = [
            q
            for q in qs
            if all(w in vocab for w in q[1:]) and (only is None or tuple(q[1:]) in only)
        ]
        sections: dict[str, list[int]] = {}
        correct = 0
        U = self.unit_vectors()
        for s0 in range(0, len(asked), 1024):  # chunks bound the (chunk, V) score matrix
            chunk = asked[s0 : s0 + 1024]
            ix = np.array([[vocab.index[w] for w in q[1:]] for q in chunk], dtype=np.int64)
            T = U[ix[:, 1]] - U[ix[:, 0]] + U[ix[:, 2]]
            S = T @ U.T
            rows = np.arange(len(chunk))
            for j in range(3):
                S[rows, ix[:, j]] = -np.inf
            hit = S.argmax(axis=1) == ix[:, 3]
            correct += int(hit.sum())
            for q, h in zip(chunk, hit):
                c_t = sections.setdefault(q[0], [0, 0])
                c_t[0] += int(h)
                c_t[1] += 1
        n_only = len(qs) if only is None else sum(tuple(q[1:]) in only for q in qs)
        return AnalogyResult(
            correct,
            len(asked),
            n_only - len(asked),
            {k: (v[0], v[1]) for k, v in sections.items()},
        )
