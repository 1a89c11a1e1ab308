"""mlpkit's CBOW against gensim's Word2Vec(sg=0) on the same corpus and settings.

Both models see the same token lists (mlpkit's tokenizer applied to
``lee_background.cor`` from gensim's wheel, or your own file), the same window,
dimension, min_count (hence the same vocabulary), epochs, subsampling threshold and
number of negative words. They differ in how they optimise: gensim runs word2vec's
per-window SGD with a linearly decaying learning rate in Cython; mlpkit's CBOW takes
Adam steps on mini-batches of windows through its flat parameter vector.

Measured, for each seed:

* **neighbour overlap**: for the 100 most frequent words, the Jaccard index of the two
  models' top-10 cosine neighbours, averaged. Printed beside the same number between
  two gensim runs that differ only in their seed (how far the reference agrees with
  itself) and between two random embeddings (chance);
* **analogy accuracy** (3CosAdd) on the questions of ``questions-words.txt`` whose four
  words are in the vocabulary — the same subset for both;
* the same against gensim trained ``--long`` (5) times as many epochs: word2vec's
  per-window SGD with a decaying rate moves less per epoch than Adam, so "same epochs"
  is not "same progress" on a 60k-token corpus;
* **word similarity**: Spearman correlation between cosine similarity and the human
  ratings of WordSim-353 (``wordsim353.tsv``, also in gensim's wheel) on the pairs in
  the vocabulary — an external yardstick for both models;
* **training time** (wall and CPU), one BLAS thread and one gensim worker, with the
  load average beside it. Runs alternate, with a pause between them.

Full softmax (the lecture's) is compared with gensim's hierarchical softmax (``hs=1,
negative=0``), its only alternative to negative sampling: not the same output layer.

A script to run by hand, not a test::

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_word2vec.py
    python benchmarks/bench_word2vec.py --epochs 20 --seeds 3 --corpus my_text.txt
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
from threadpoolctl import threadpool_limits

from mlpkit.word2vec import CBOW, bundled_text, read_analogies, read_corpus


def top_neighbours(unit: np.ndarray, rows: np.ndarray, k: int) -> list[set[int]]:
    """Indices of the top-k cosine neighbours of each row in ``rows`` (itself excluded)."""
    S = unit[rows] @ unit.T
    S[np.arange(len(rows)), rows] = -np.inf
    return [set(np.argsort(-s, kind="stable")[:k].tolist()) for s in S]


def jaccard(a: list[set[int]], b: list[set[int]]) -> float:
    return float(np.mean([len(x & y) / len(x | y) for x, y in zip(a, b)]))


def unit(W: np.ndarray) -> np.ndarray:
    W = np.asarray(W, dtype=np.float64)
    return W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-12)


def analogy_accuracy(U: np.ndarray, index: dict[str, int], qs: list) -> float:
    """3CosAdd accuracy of unit vectors ``U`` on questions (section, a, b, c, d)."""
    ix = np.array([[index[w] for w in q[1:]] for q in qs], dtype=np.int64)
    S = (U[ix[:, 1]] - U[ix[:, 0]] + U[ix[:, 2]]) @ U.T
    for j in range(3):
        S[np.arange(len(qs)), ix[:, j]] = -np.inf
    return float(np.mean(S.argmax(axis=1) == ix[:, 3]))


def read_wordsim() -> list[tuple[str, str, float]]:
    path = bundled_text("wordsim353.tsv")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        a, b, score = line.split("\t")[:3]
        out.append((a.lower(), b.lower(), float(score)))
    return out


def wordsim(U: np.ndarray, index: dict[str, int], pairs: list) -> tuple[float, int]:
    """Spearman correlation of cosine similarities with human ratings, and the count."""
    from scipy.stats import spearmanr

    kept = [(index[a], index[b], s) for a, b, s in pairs if a in index and b in index]
    cos = [float(U[i] @ U[j]) for i, j, _ in kept]
    return float(spearmanr(cos, [s for *_, s in kept])[0]), len(kept)


PROBES = ("fire", "government", "police", "australia", "israeli", "cricket")


def run_gensim(sents, args, seed, hs, epochs=None):
    from gensim.models import Word2Vec

    t0, c0 = time.perf_counter(), time.process_time()
    g = Word2Vec(
        sents,
        sg=0,
        vector_size=args.dim,
        window=args.window,
        min_count=args.min_count,
        epochs=epochs or args.epochs,
        negative=0 if hs else args.negative,
        hs=1 if hs else 0,
        sample=args.sample,
        seed=seed,
        workers=1,
    )
    return g, time.perf_counter() - t0, time.process_time() - c0


def run_mlpkit(sents, args, seed, objective):
    m = CBOW(
        vector_size=args.dim,
        window=args.window,
        min_count=args.min_count,
        objective=objective,
        negative=args.negative,
        sample=args.sample,
        random_state=seed,
    )
    t0, c0 = time.perf_counter(), time.process_time()
    m.fit(sents, epochs=args.epochs, optimizer="adam", lr=args.lr, batch_size=args.batch_size)
    return m, time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=None, help="text file (default: lee_background.cor)")
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--negative", type=int, default=5)
    ap.add_argument("--sample", type=float, default=1e-3)
    ap.add_argument("--lr", type=float, default=0.005, help="mlpkit's Adam learning rate")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument(
        "--long", type=int, default=5, help="gensim's epochs multiplier for the 'gensim xN' run"
    )
    ap.add_argument("--top", type=int, default=100, help="most frequent words compared")
    ap.add_argument("--k", type=int, default=10, help="neighbours per word")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    path = args.corpus or bundled_text("lee_background.cor")
    sents = read_corpus(path)
    questions = read_analogies(bundled_text("questions-words.txt"))
    pairs = read_wordsim()
    print(
        f"corpus {path}: {len(sents)} lines, {sum(map(len, sents)):,} tokens; "
        f"dim {args.dim}, window {args.window}, min_count {args.min_count}, "
        f"epochs {args.epochs}, negative {args.negative}, sample {args.sample}"
    )

    results = []
    with threadpool_limits(1):
        for seed in range(args.seeds):
            for variant in ("negative", "softmax"):
                runs = {}
                order = ["mlpkit", "gensim", "gensim-b", "gensim-long"]
                order = order[seed % 4 :] + order[: seed % 4]  # rotate who runs first
                for who in order:
                    time.sleep(0.3)  # let OpenBLAS's spinning threads go idle
                    load = os.getloadavg()[0]
                    if who == "mlpkit":
                        m, wall, cpu = run_mlpkit(sents, args, seed, variant)
                        assert m.vocab is not None
                        runs[who] = (m.vocab.words, m.W, wall, cpu, load)
                    else:
                        s = seed + 1000 if who == "gensim-b" else seed
                        ep = args.epochs * args.long if who == "gensim-long" else args.epochs
                        g, wall, cpu = run_gensim(sents, args, s, variant == "softmax", ep)
                        runs[who] = (list(g.wv.index_to_key), g.wv.vectors, wall, cpu, load)
                words = runs["mlpkit"][0]
                for who in ("gensim", "gensim-b", "gensim-long"):
                    assert set(runs[who][0]) == set(words), "vocabularies differ"
                index = {w: i for i, w in enumerate(words)}
                aligned = {}
                for who, (ws, W, *_r) in runs.items():
                    perm = np.array([ws.index(w) for w in words]) if ws != words else None
                    aligned[who] = unit(W if perm is None else np.asarray(W)[perm])
                rng = np.random.default_rng(seed)
                aligned["random"] = unit(rng.normal(size=aligned["mlpkit"].shape))
                rows = np.arange(min(args.top, len(words)))  # ranked by count
                nb = {who: top_neighbours(U, rows, args.k) for who, U in aligned.items()}
                qs = [q for q in questions if all(w in index for w in q[1:])]
                rec = {
                    "seed": seed,
                    "variant": variant,
                    "vocabulary": len(words),
                    "questions": len(qs),
                    "jaccard_mlpkit_gensim": jaccard(nb["mlpkit"], nb["gensim"]),
                    "jaccard_gensim_gensim": jaccard(nb["gensim"], nb["gensim-b"]),
                    "jaccard_random_gensim": jaccard(nb["random"], nb["gensim"]),
                    "jaccard_mlpkit_gensim_long": jaccard(nb["mlpkit"], nb["gensim-long"]),
                    "jaccard_gensim_gensim_long": jaccard(nb["gensim"], nb["gensim-long"]),
                    "analogy_gensim_long": analogy_accuracy(aligned["gensim-long"], index, qs),
                    "wordsim_gensim_long": wordsim(aligned["gensim-long"], index, pairs)[0],
                    "seconds_gensim_long": runs["gensim-long"][2],
                    "analogy_mlpkit": analogy_accuracy(aligned["mlpkit"], index, qs),
                    "analogy_gensim": analogy_accuracy(aligned["gensim"], index, qs),
                    "analogy_gensim_b": analogy_accuracy(aligned["gensim-b"], index, qs),
                    "wordsim_mlpkit": wordsim(aligned["mlpkit"], index, pairs)[0],
                    "wordsim_gensim": wordsim(aligned["gensim"], index, pairs)[0],
                    "wordsim_pairs": wordsim(aligned["gensim"], index, pairs)[1],
                    "seconds_mlpkit": runs["mlpkit"][2],
                    "seconds_gensim": runs["gensim"][2],
                    "cpu_mlpkit": runs["mlpkit"][3],
                    "cpu_gensim": runs["gensim"][3],
                    "load_mlpkit": runs["mlpkit"][4],
                    "load_gensim": runs["gensim"][4],
                }
                results.append(rec)
                if seed == 0:
                    for p in (p for p in PROBES if p in index):
                        row = np.array([index[p]])
                        for who in ("mlpkit", "gensim"):
                            near = top_neighbours(aligned[who], row, 6)[0]
                            S = aligned[who][sorted(near)] @ aligned[who][index[p]]
                            ranked = [words[i] for _, i in sorted(zip(-S, sorted(near)))]
                            print(f"  {variant} {who:6s} {p}: {', '.join(ranked)}")
                print(
                    f"seed {seed} {variant:8s} V={rec['vocabulary']} "
                    f"J(mlpkit,gensim)={rec['jaccard_mlpkit_gensim']:.3f} "
                    f"J(gensim,gensim')={rec['jaccard_gensim_gensim']:.3f} "
                    f"J(random,gensim)={rec['jaccard_random_gensim']:.3f} "
                    f"J(mlpkit,gensim x{args.long})={rec['jaccard_mlpkit_gensim_long']:.3f} "
                    f"J(gensim,gensim x{args.long})={rec['jaccard_gensim_gensim_long']:.3f} "
                    f"| analogies "
                    f"{rec['analogy_mlpkit']:.1%} vs {rec['analogy_gensim']:.1%} "
                    f"(gensim' {rec['analogy_gensim_b']:.1%}) of {len(qs)} | WordSim "
                    f"{rec['wordsim_mlpkit']:+.2f} vs {rec['wordsim_gensim']:+.2f} "
                    f"(x{args.long}: {rec['wordsim_gensim_long']:+.2f}) "
                    f"({rec['wordsim_pairs']} pairs) | "
                    f"time {rec['seconds_mlpkit']:.2f} s vs {rec['seconds_gensim']:.2f} s "
                    f"(load {rec['load_mlpkit']:.2f}/{rec['load_gensim']:.2f})",
                    flush=True,
                )

    print("\nmedian over seeds")
    print(
        "| output layer | J(mlpkit, gensim) | J(gensim, gensim other seed) | J(random, gensim) "
        "| analogies mlpkit | analogies gensim | WordSim ρ mlpkit | WordSim ρ gensim "
        "| s mlpkit | s gensim | load avg |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for variant, label in (
        ("negative", "negative sampling k=5 (both)"),
        ("softmax", "mlpkit full softmax / gensim hierarchical softmax"),
    ):
        rs = [r for r in results if r["variant"] == variant]

        def med(key, rs=rs):
            return float(np.median([r[key] for r in rs]))

        loads = [r[k] for r in rs for k in ("load_mlpkit", "load_gensim")]
        print(
            f"| {label} | {med('jaccard_mlpkit_gensim'):.3f} | "
            f"{med('jaccard_gensim_gensim'):.3f} | {med('jaccard_random_gensim'):.3f} | "
            f"{med('analogy_mlpkit'):.1%} | {med('analogy_gensim'):.1%} | "
            f"{med('wordsim_mlpkit'):+.2f} | {med('wordsim_gensim'):+.2f} | "
            f"{med('seconds_mlpkit'):.2f} | {med('seconds_gensim'):.2f} | "
            f"{min(loads):.2f}–{max(loads):.2f} |"
        )
    print(f"\ngensim trained {args.long}x longer ({args.epochs * args.long} epochs), median")
    print(
        "| output layer | J(mlpkit, gensim xN) | J(gensim, gensim xN) | analogies gensim xN "
        "| WordSim ρ gensim xN | s gensim xN |"
    )
    print("|---|---|---|---|---|---|")
    for variant in ("negative", "softmax"):
        rs = [r for r in results if r["variant"] == variant]
        vals = [
            float(np.median([r[k] for r in rs]))
            for k in (
                "jaccard_mlpkit_gensim_long",
                "jaccard_gensim_gensim_long",
                "analogy_gensim_long",
                "wordsim_gensim_long",
                "seconds_gensim_long",
            )
        ]
        print(
            f"| {variant} | {vals[0]:.3f} | {vals[1]:.3f} | {vals[2]:.1%} | "
            f"{vals[3]:+.2f} | {vals[4]:.2f} |"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
