"""Lecture lab II: every claim of the seeds (SPEC.md section C), regenerated.

``reproduce(out_dir, quick=False, only=None, seed=0)`` runs the experiments — one
function per claim, grouped by topic in the modules below — and writes
``results.json``, one PNG per figure and ``report.html``. The command line is
``mlpkit reproduce [--quick] [--only C7,C11] --out DIR [--seed N]`` (or
``python -m mlpkit.experiments``).

==================  ==========================================================
module              claims
==================  ==========================================================
shallow             C1 joints, C2 universal approximation, C3 convex polygons
regions             C4 depth vs width, C5 maximum regions, C6 parameter counts
classification      C7 banana, C8 checkerboard, C9 rings, C10 1 vs 2 layers
image               C11 image surface, C12 interpolation
digits              C13 MNIST, C14 MNIST-1D
behaviour           C15 BMI, C16 mini-batches, C17 weight decay,
                    C18 extrapolation, C19 vanishing gradients
representation      C20 SVD and warping, C21 composition and peaks
registry            CLAIMS: the seeds' statements and numbers
runner, report      the runner, the summary table and the HTML report
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
