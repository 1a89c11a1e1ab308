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

The package, simple to complex:

* :mod:`~mlpkit.word2vec.text`: tokens, corpus files, the vocabulary, context windows
  and subsampling;
* :mod:`~mlpkit.word2vec.layers`: :class:`ContextMean`, :class:`SoftmaxOutput` (the
  lecture's) and :class:`NegativeSamplingOutput` (beyond the lecture), forward and
  backward side by side, with their equations;
* :mod:`~mlpkit.word2vec.model`: :class:`CBOW` (training on one flat parameter vector),
  similarity and analogies.

References
----------
Mikolov, Chen, Corrado, Dean (2013a), "Efficient estimation of word representations in
vector space", arXiv:1301.3781 (CBOW, the analogy test set ``questions-words.txt``).
Mikolov, Sutskever, Chen, Corrado, Dean (2013b), "Distributed representations of words
and phrases and their compositionality", NeurIPS (negative sampling, subsampling).
"""

from .layers import ContextMean, NegativeSamplingOutput, SoftmaxOutput
from .model import CBOW, AnalogyResult, read_analogies
from .text import (
    Vocabulary,
    as_sentences,
    bundled_text,
    context_windows,
    read_corpus,
    subsample_mask,
    tokenize,
)

__all__ = [
    "AnalogyResult",
    "CBOW",
    "ContextMean",
    "NegativeSamplingOutput",
    "SoftmaxOutput",
    "Vocabulary",
    "as_sentences",
    "bundled_text",
    "context_windows",
    "read_analogies",
    "read_corpus",
    "subsample_mask",
    "tokenize",
]
