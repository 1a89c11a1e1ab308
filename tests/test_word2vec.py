"""CBOW (mlpkit.word2vec): gradients, a PyTorch reference, training, queries, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mlpkit.experiments._base import Context
from mlpkit.experiments.word2vec import (
    d8_cbow,
    neighbour_precision,
    planted_corpus,
    planted_questions,
)
from mlpkit.word2vec import (
    CBOW,
    ContextMean,
    Vocabulary,
    bundled_text,
    read_analogies,
    read_corpus,
    tokenize,
)

V, N = 7, 4


def _model(objective: str, seed: int = 0) -> CBOW:
    """A float64 CBOW over 7 words with random W and W' (W' = 0 would zero dW)."""
    m = CBOW(
        vector_size=N,
        window=2,
        min_count=1,
        objective=objective,
        negative=3,
        sample=0,
        random_state=seed,
        dtype=np.float64,
    )
    m.build_vocab([[f"w{i}" for i in range(V)]])
    m.params[...] = np.random.default_rng(seed).normal(0, 0.7, m.params.size)
    return m


# Windows with a word repeated inside one context (rows 0 and 2) and padding (rows 1, 3),
# so the scatter into the shared embedding must accumulate.
C = np.array([[2, 2, 3, 0], [1, 4, 0, 0], [5, 5, 5, 6], [3, 0, 0, 0]])
COUNT = np.array([4, 2, 4, 1])
M = np.where(np.arange(4)[None, :] < COUNT[:, None], 1.0 / COUNT[:, None], 0.0)
T = np.array([1, 2, 0, 3])
# Negatives with a repeat (row 0) and one equal to the target (row 1: skipped).
NEG = np.array([[4, 4, 6], [2, 0, 5], [1, 3, 3], [6, 5, 2]])


@pytest.mark.parametrize("objective", ["softmax", "negative"])
def test_gradient_matches_central_differences(objective):
    m = _model(objective)
    neg = NEG if objective == "negative" else None
    _, g = m.loss_grad(C, M, T, neg)
    g = g.copy()
    num = np.empty_like(g)
    eps = 1e-6
    for i in range(m.params.size):
        old = m.params[i]
        m.params[i] = old + eps
        lp = m.loss_grad(C, M, T, neg)[0]
        m.params[i] = old - eps
        lm = m.loss_grad(C, M, T, neg)[0]
        m.params[i] = old
        num[i] = (lp - lm) / (2 * eps)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-9)
    # The repeated context word 5 of row 2 gets three contributions: not all zero.
    assert np.abs(g[: V * N].reshape(V, N)[5]).max() > 1e-3


def test_context_mean_accumulates_like_add_at():
    layer = ContextMean(V, N)
    w, gr = np.random.default_rng(1).normal(size=V * N), np.zeros(V * N)
    layer.bind(w, gr)
    H = layer.forward(C, M)
    np.testing.assert_allclose(H[2], (3 * layer.W[5] + layer.W[6]) / 4)
    dH = np.random.default_rng(2).normal(size=H.shape)
    layer.backward(dH)
    expected = np.zeros((V, N))
    np.add.at(expected, C.ravel(), (M[..., None] * dH[:, None, :]).reshape(-1, N))
    np.testing.assert_allclose(layer.dW, expected, atol=1e-12)


def _torch_params(m: CBOW):
    W = torch.tensor(m.W.copy(), requires_grad=True)
    Wo = torch.tensor(m.W_out.copy(), requires_grad=True)
    return W, Wo


def test_softmax_matches_torch_embedding_mean_linear_cross_entropy():
    m = _model("softmax", seed=3)
    loss, g = m.loss_grad(C, M, T)
    W, Wo = _torch_params(m)
    emb = torch.nn.EmbeddingBag(V, N, mode="mean", dtype=torch.float64)
    emb.weight = torch.nn.Parameter(W)
    lin = torch.nn.Linear(N, V, bias=False, dtype=torch.float64)
    lin.weight = torch.nn.Parameter(Wo)  # nn.Linear stores (out, in) = (V, N), like W'
    flat = torch.tensor(np.concatenate([C[b, : COUNT[b]] for b in range(4)]))
    offsets = torch.tensor(np.concatenate([[0], np.cumsum(COUNT)[:-1]]))
    h = emb(flat, offsets)  # the average of the context words' embeddings
    ref = torch.nn.functional.cross_entropy(lin(h), torch.tensor(T))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose(g[: V * N], emb.weight.grad.numpy().ravel(), atol=1e-12)
    np.testing.assert_allclose(g[V * N :], lin.weight.grad.numpy().ravel(), atol=1e-12)


def test_negative_sampling_matches_torch():
    m = _model("negative", seed=4)
    loss, g = m.loss_grad(C, M, T, NEG)
    W, Wo = _torch_params(m)
    emb = torch.nn.Embedding(V, N, _weight=W)
    W = emb.weight  # the Parameter whose .grad torch fills
    Ct, Mt = torch.tensor(C), torch.tensor(M)
    h = (emb(Ct) * Mt[..., None]).sum(1)
    S = torch.cat([torch.tensor(T)[:, None], torch.tensor(NEG)], 1)
    s = (Wo[S] * h[:, None, :]).sum(-1)
    keep = torch.cat([torch.ones(4, 1), torch.tensor(NEG != T[:, None])], 1).double()
    logp = torch.cat(
        [torch.nn.functional.logsigmoid(s[:, :1]), torch.nn.functional.logsigmoid(-s[:, 1:])], 1
    )
    ref = -(keep * logp).sum() / 4
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose(g[: V * N], W.grad.numpy().ravel(), atol=1e-12)
    np.testing.assert_allclose(g[V * N :], Wo.grad.numpy().ravel(), atol=1e-12)


def test_windows_stop_at_sentence_ends_and_shrink():
    m = CBOW(vector_size=2, window=2, min_count=1, shrink_windows=False, sample=0)
    ids = np.array([10, 11, 12, 13, 14])
    sid = np.array([0, 0, 0, 1, 1])
    Cw, Mw = m.windows(ids, sid, np.random.default_rng(0))
    ctx0 = sorted(Cw[0][Mw[0] > 0])
    ctx2 = sorted(Cw[2][Mw[2] > 0])
    assert ctx0 == [11, 12] and ctx2 == [10, 11]  # never 13, 14: another sentence
    assert sorted(Cw[3][Mw[3] > 0]) == [14]
    np.testing.assert_allclose(Mw.sum(axis=1), 1.0)
    # shrink_windows: sizes drawn in 1..window, so some windows hold a single word.
    m.shrink_windows = True
    ids = np.arange(200)
    _, Ms = m.windows(ids, np.zeros(200, dtype=np.int64), np.random.default_rng(0))
    sizes = (Ms[2:-2] > 0).sum(axis=1)
    assert set(sizes) == {2, 4}


def test_planted_structure_is_recovered_and_untrained_is_not():
    rng = np.random.default_rng(0)
    corpus = planted_corpus(1500, rng, n_countries=8)
    questions = planted_questions(8)
    m = CBOW(vector_size=16, window=5, min_count=1, objective="negative", sample=0, random_state=1)
    m.build_vocab(corpus)
    before = m.evaluate_analogies(questions)
    m.fit(corpus, epochs=8, lr=0.01, batch_size=64)
    after = m.evaluate_analogies(questions)
    assert before.accuracy < 0.1
    assert after.accuracy > 0.8, after
    assert m.history[-1] < 0.8 * m.history[0]
    assert neighbour_precision(m, 8) > 0.8
    assert m.analogy("beijing", "china", "bern")[0][0] == "switzerland"
    assert "swiss" in [w for w, _ in m.most_similar("bern", 5)]


def test_training_is_deterministic_and_seeded():
    corpus = planted_corpus(300, np.random.default_rng(0), n_countries=4)
    kw = {"vector_size": 8, "min_count": 1, "random_state": 5}
    a = CBOW(**kw).fit(corpus, epochs=2)
    b = CBOW(**kw).fit(corpus, epochs=2)
    c = CBOW(**{**kw, "random_state": 6}).fit(corpus, epochs=2)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)


def test_trains_with_other_mlpkit_optimizers_on_a_user_file(tmp_path):
    path = tmp_path / "my_corpus.txt"
    # Written as prose: "china_0" becomes "china-a" (the tokenizer drops digits and "_").
    sents = planted_corpus(400, np.random.default_rng(2), 4)
    lines = [
        " ".join(w.replace("_", "-").translate(str.maketrans("012", "abc")) for w in s) + "."
        for s in sents
    ]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    m = CBOW(vector_size=8, window=3, min_count=2, objective="softmax", sample=0)
    m.fit(str(path), epochs=4, optimizer="momentum", lr=0.5, batch_size=32)
    assert m.history[-1] < m.history[0]
    assert "china" in m.vocab and len(m.vocab) == 4 * 6 + 9 + 8
    assert repr(m).startswith("CBOW(8 dims, window 3, 41 words, full softmax")


def test_bad_input_gives_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no_such_file.txt"):
        read_corpus(tmp_path / "no_such_file.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("123 456\n... !!\n", encoding="utf-8")
    with pytest.raises(ValueError, match="contains no words"):
        CBOW().fit(empty)
    with pytest.raises(ValueError, match="min_count=5"):
        CBOW(min_count=5).fit([["a", "b", "c"]])
    with pytest.raises(TypeError, match="list of token lists"):
        CBOW(min_count=1).fit(["a sentence as one string", "another"])
    with pytest.raises(ValueError, match="objective"):
        CBOW(objective="hs")
    m = CBOW(vector_size=4, min_count=1).fit([["a", "b", "a", "c"]] * 5, epochs=1)
    with pytest.raises(KeyError, match="'zebra' is not in the vocabulary"):
        m.most_similar("zebra")
    with pytest.raises(KeyError, match="'Bern'"):
        m.analogy("a", "b", "Bern")
    with pytest.raises(RuntimeError, match="call fit"):
        CBOW().most_similar("a")
    bad = tmp_path / "q.txt"
    bad.write_text(": s\na b c\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: expected four words"):
        read_analogies(bad)


def test_tokenize_and_vocabulary_order():
    assert tokenize("South-west of Sydney, 4:00pm; don't") == [
        "south-west",
        "of",
        "sydney",
        "pm",
        "don't",
    ]
    v = Vocabulary.build([["b", "a", "b", "c", "a", "d"]], min_count=2)
    assert v.words == ["a", "b"] and list(v.counts) == [2, 2]


def test_analogy_evaluation_agrees_with_gensim(tmp_path):
    """Our 3CosAdd evaluation against gensim's evaluate_word_analogies, same vectors."""
    from gensim.models import KeyedVectors

    corpus = planted_corpus(600, np.random.default_rng(3), n_countries=6)
    m = CBOW(vector_size=10, min_count=1, sample=0, random_state=2).fit(corpus, epochs=3)
    questions = planted_questions(6)
    qfile = tmp_path / "planted-questions.txt"
    qfile.write_text(": planted\n" + "".join(" ".join(q[1:]) + "\n" for q in questions))
    kv = KeyedVectors(10)
    kv.add_vectors(m.vocab.words, m.W.copy())
    ours = m.evaluate_analogies(qfile)
    theirs, _ = kv.evaluate_word_analogies(str(qfile), case_insensitive=False)
    assert ours.total == len(questions) and 0.05 < ours.accuracy < 1.0
    # Ties in float32 cosines may break differently: allow one question.
    assert ours.accuracy == pytest.approx(theirs, abs=1.5 / len(questions))
    first = read_analogies(bundled_text("questions-words.txt"))[0]
    assert first == ("capital-common-countries", "athens", "greece", "baghdad", "iraq")


def test_bundled_lee_corpus_reads_offline():
    sents = read_corpus(bundled_text("lee_background.cor"))
    assert len(sents) == 300 and 55_000 < sum(map(len, sents)) < 65_000


def _claim(tmp_path, seed=0):
    # Context derives its streams from a numeric claim id; D8's streams come from the
    # seed only here (the registry's Context gives the real id).
    ctx = Context(tmp_path, True, seed, "C0")
    ctx.claim_id = "D8"
    return ctx


def test_d8_quick_is_reproduced(tmp_path):
    out = d8_cbow(_claim(tmp_path))
    assert out.ok, out.why
    r = out.values["runs"][0]
    assert r["analogy_accuracy"] >= 0.9 and r["beijing_china_bern"][0][0] == "switzerland"
    assert (tmp_path / out.figures[0]).is_file()


def test_d8_fails_without_training(tmp_path, monkeypatch):
    monkeypatch.setattr(CBOW, "fit", lambda self, *a, **k: self)
    out = d8_cbow(_claim(tmp_path))
    assert not out.ok and "analogy accuracy" in out.why


def test_d8_fails_with_zero_gradients(tmp_path, monkeypatch):
    real = CBOW.loss_grad

    def zero(self, *a, **k):
        loss, g = real(self, *a, **k)
        g[...] = 0.0
        return loss, g

    monkeypatch.setattr(CBOW, "loss_grad", zero)
    assert not d8_cbow(_claim(tmp_path)).ok


def test_d8_fails_with_a_noise_forward(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)

    def noise(self, C, M):
        self._C, self._M = C, M
        return rng.normal(size=(len(C), self.n_dims))

    monkeypatch.setattr(ContextMean, "forward", noise)
    assert not d8_cbow(_claim(tmp_path)).ok
