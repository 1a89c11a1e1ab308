"""Text for CBOW: tokens, corpus files, the vocabulary, context windows, subsampling.

A corpus is a list of sentences, each a list of word tokens; windows never cross a
sentence (a line of a corpus file). Each position of the token stream is a target, and
its context is the up to ``window`` in-vocabulary words on each side::

    the  cat  [sat]  on  the          window=2: context {the, cat, on, the}, target sat

Subsampling (Mikolov et al. 2013b, word2vec's and gensim's formula) drops each
occurrence of a word of relative frequency ``f`` at random, keeping it with probability

    p_keep(f) = min(1, (√(f/s) + 1) · s/f)          s: the ``sample`` threshold

so the most frequent words ("the", "of") make up fewer windows and targets.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "Vocabulary",
    "as_sentences",
    "bundled_text",
    "context_windows",
    "read_corpus",
    "subsample_mask",
    "tokenize",
]

Array = np.ndarray

# Letters (any script), optionally joined by one apostrophe or hyphen: "don't", "south-west".
# Digits and punctuation are dropped, as gensim's simple_preprocess does.
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


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


def as_sentences(corpus: Any) -> list[list[str]]:
    """A corpus as a list of token lists: read a path, or check given token lists.

    Parameters
    ----------
    corpus : str or PathLike or iterable of list of str
        A UTF-8 text file (one sentence per line, see :func:`read_corpus`) or tokenised
        sentences.

    Raises
    ------
    TypeError
        For a flat list of strings, or a sentence holding a non-string token.
    ValueError
        For a corpus without any word.
    """
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


def context_windows(
    ids: Array, sid: Array, window: int, shrink: bool, rng: np.random.Generator
) -> tuple[Array, Array]:
    """Contexts of every position of a token stream.

    Parameters
    ----------
    ids, sid : int ndarray of shape (n,)
        Token ids and their sentence ids (windows stop at sentence boundaries).
    window : int
        Context words on each side of the target, at most.
    shrink : bool
        Draw each target's reach uniformly in 1..window (word2vec's and gensim's
        default), which weights near words more.
    rng : Generator
        Draws the reaches when ``shrink``.

    Returns
    -------
    C : int ndarray of shape (n, 2 window)
        Context ids (0 where there is no context word).
    M : ndarray of shape (n, 2 window)
        1/|C| on the context words, 0 elsewhere (a row of zeros: no context).
    """
    n, w = len(ids), window
    reach = rng.integers(1, w + 1, n) if shrink else np.full(n, w)
    offsets = np.concatenate([np.arange(-w, 0), np.arange(1, w + 1)])
    pos = np.arange(n)[:, None] + offsets[None, :]
    inside = (pos >= 0) & (pos < n)
    pos = np.clip(pos, 0, max(n - 1, 0))
    valid = inside & (sid[pos] == sid[:, None]) & (np.abs(offsets)[None, :] <= reach[:, None])
    count = valid.sum(axis=1, keepdims=True)
    M = np.where(valid, 1.0 / np.maximum(count, 1), 0.0)
    return np.where(valid, ids[pos], 0), M


def subsample_mask(ids: Array, counts: Array, sample: float, rng: np.random.Generator) -> Array:
    """Subsampling mask: keep a word of frequency f with prob. (√(f/s) + 1) s/f.

    Parameters
    ----------
    ids : int ndarray of shape (n,)
        The token stream.
    counts : int ndarray of shape (n_words,)
        Corpus count of each word (:attr:`Vocabulary.counts`).
    sample : float
        The threshold ``s``; 0 keeps every token (and draws nothing from ``rng``).
    rng : Generator

    Returns
    -------
    bool ndarray of shape (n,)
    """
    if sample <= 0:
        return np.ones(len(ids), dtype=bool)
    f = counts / counts.sum()
    p_keep = np.minimum(1.0, (np.sqrt(f / sample) + 1.0) * sample / f)
    return rng.random(len(ids)) < p_keep[ids]
