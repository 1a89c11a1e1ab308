"""Lecture lab II: every claim of the lectures (L0-L4), regenerated.

``reproduce(out_dir, quick=False, only=None, seed=0, seeds=None)`` runs the experiments —
one function per claim, grouped by topic in the modules below — over one seed (quick) or
five (full), and writes ``results.json``, one PNG per figure and ``report.html``. The
command line is ``mlpkit reproduce [--quick] [--only C7,D1] --out DIR [--seed N]
[--seeds N] [--mnist DIR]`` (or ``python -m mlpkit.experiments``).

==================  ==========================================================
module              claims
==================  ==========================================================
shallow             C1 joints, C2 universal approximation, C3 convex polygons,
                    D2 second node-count series, D10 shared joints
regions             C4 depth vs width, C5 maximum regions, C6 parameter counts,
                    D11 parameter counts, D12 region splitting
classification      C7 banana, C8 checkerboard, C9 rings, C10 1 vs 2 layers
image               C11 image surface, C12 interpolation, D3 third layer,
                    D4 second ResNet series, D5 loss curves
digits              C13 MNIST, C14 MNIST-1D
kernels             D1 RBF SVM on random points, D7 SVM vs MLP on MNIST
behaviour           C15 BMI, C16 mini-batches (= D6), C17 weight decay,
                    C18 extrapolation, C19 vanishing gradients, D9 exploding
                    gradients, D14 optimiser paths, D15 linear collapse
representation      C20 SVD and warping, C21 composition and peaks, D13 warping
word2vec            D8 CBOW
registry            CLAIMS: the lectures' statements and numbers
runner, report      the runner (seeds, verdicts), the summary and the HTML report
==================  ==========================================================
"""

from ._base import Claim, Context, Outcome
from .registry import BY_ID, CLAIMS
from .runner import cli_main, reproduce, select_claims, summary_table

__all__ = [
    "BY_ID",
    "CLAIMS",
    "Claim",
    "Context",
    "Outcome",
    "cli_main",
    "reproduce",
    "select_claims",
    "summary_table",
]
