"""The CBOW model: training on one flat parameter vector, similarity and analogies.

:class:`CBOW` builds a :class:`~mlpkit.word2vec.text.Vocabulary`, binds a
:class:`~mlpkit.word2vec.layers.ContextMean` and an output layer into ONE flat
parameter vector ``[W | W']`` and trains it with any step rule of
:mod:`mlpkit.optimizers`. After training, the rows of :attr:`CBOW.W` are the word
vectors; queries compare them by cosine similarity, and an analogy "a is to b what c
is to ?" is answered by the word nearest to ``b - a + c`` (3CosAdd, Mikolov et al.
2013a), as gensim's ``most_similar`` and ``evaluate_word_analogies`` do.

References
----------
Mikolov, Chen, Corrado, Dean (2013a), "Efficient estimation of word representations in
vector space", arXiv:1301.3781 (CBOW, the analogy test set ``questions-words.txt``).
Mikolov, Sutskever, Chen, Corrado, Dean (2013b), "Distributed representations of words
and phrases and their compositionality", NeurIPS (negative sampling, subsampling).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..optimizers import Optimizer, get_optimizer
from .layers import ContextMean, NegativeSamplingOutput, SoftmaxOutput
from .text import Vocabulary, as_sentences, context_windows, subsample_mask

__all__ = ["AnalogyResult", "CBOW", "read_analogies"]

Array = np.ndarray


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
        sentences = as_sentences(corpus)
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
        """Contexts of every position of a token stream, with this model's ``window`` and
        ``shrink_windows`` (see :func:`~mlpkit.word2vec.text.context_windows`).

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
        return context_windows(ids, sid, self.window, self.shrink_windows, rng)

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
        sentences = as_sentences(corpus)
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
            keep = subsample_mask(ids, self.vocab.counts, self.sample, rng)
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
