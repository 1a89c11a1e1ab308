"""The lecture presets: one click (or one link) from a lecture claim to the playground.

Each preset is a URL hash of settings and a caption that says what to look for. The page
gets them from the server (embedded in ``index.html``); ``#preset=<id>`` in a URL opens
one. :data:`CLAIM_PRESETS` maps the claim ids of ``mlpkit reproduce`` to presets, and
:func:`preset_url` builds the link a report can show beside a claim.
"""

from __future__ import annotations

__all__ = ["CLAIM_PRESETS", "PRESETS", "preset_url"]

#: id -> {"name", "hash", "caption", "claims"}; the captions cite the lectures' slides.
PRESETS: dict[str, dict[str, object]] = {
    "rings-width-2": {
        "name": "Rings: width 2 is not enough",
        "hash": (
            "dataset=rings&networkShape=2,2,2&activation=tanh&optimizer=adam"
            "&learningRate=0.03&showRepresentation=true&seed=0"
        ),
        "caption": (
            'Lectures: L3 "Topology and Classification". No network whose layers '
            "all have at most 2 units can separate the disc from the ring around "
            "it: however long it trains, the decision region stays connected to the "
            "outside. Press play and move the layer slider of the representation "
            "view: every layer maps a plane to a plane, and the disc stays "
            "enclosed. Then compare with the width-3 preset."
        ),
        "claims": ["C9"],
    },
    "rings-width-3": {
        "name": "Rings: width 3 separates",
        "hash": (
            "dataset=rings&networkShape=3&activation=tanh&optimizer=adam&learningRate=0.03&seed=0"
        ),
        "caption": (
            'Lectures: L3 "Topology and Classification". One hidden layer of 3 '
            "units lifts the plane into 3-D, where a plane cuts the disc off from "
            "the ring: the test loss falls towards 0."
        ),
        "claims": [],
    },
    "warping": {
        "name": "Warping space (2-2-1)",
        "hash": (
            "dataset=xor&networkShape=2&activation=tanh&optimizer=adam"
            "&learningRate=0.03&showRepresentation=true&seed=1"
        ),
        "caption": (
            'Lectures: L2 "The representation view. Warping space". The hidden '
            "layer maps the plane to a new plane; move the lower slider from 0 to 1 "
            "to watch the grid bend until one straight line (the output unit) "
            "separates the classes."
        ),
        "claims": ["C20"],
    },
    "joints-1-3-1": {
        "name": "1-3-1: three joints",
        "hash": (
            "problem=regression&regDataset=1d-sine&networkShape=3&activation=relu"
            "&optimizer=adam&learningRate=0.03&seed=0"
        ),
        "caption": (
            'Lectures: L0 "Hidden units" and "Piecewise linear functions with three '
            'joints". A shallow network with 3 ReLU units is a sum of 3 hinges: the '
            "panels show each unit's linear function, after ReLU, weighted, and "
            "their sum (the output). Click a link to change a weight and watch one "
            "joint move."
        ),
        "claims": ["C1"],
    },
    "composition": {
        "name": "Composition: 2 layers of 3 vs 1 of 6",
        "hash": (
            "problem=regression&regDataset=1d-bumps&networkShape=3,3"
            "&activation=relu&optimizer=adam&learningRate=0.01&seed=2"
        ),
        "caption": (
            'Lectures: L0 "Comparing to shallow with six hidden units" and L4 "The '
            'Power of Composition". Two layers of 3 ReLU units (20 parameters) can '
            "make up to 16 linear pieces (the joints are marked, with the bound); "
            "one layer of 6 (19 parameters) at most 7. Change networkShape to 6 and "
            "compare."
        ),
        "claims": ["C4", "C21"],
    },
    "one-vs-two-layers": {
        "name": "One vs two hidden layers",
        "hash": (
            "dataset=spiral&networkShape=12&activation=relu&optimizer=adam"
            "&learningRate=0.01&noise=10&seed=1"
        ),
        "caption": (
            'Lectures: L4 "Back to Non-Linear Classification". One hidden layer of '
            "12 units struggles with the spiral; add a second layer (the + above "
            "the network) with about the same number of weights and the boundary "
            "follows the arms."
        ),
        "claims": ["C6", "C10"],
    },
    "extrapolation": {
        "name": "Interpolation vs extrapolation",
        "hash": (
            "problem=regression&regDataset=1d-sine&networkShape=8,8"
            "&activation=tanh&optimizer=adam&learningRate=0.01&showTestData=true"
            "&split=outside&percTrainData=60&seed=0"
        ),
        "caption": (
            'Lectures: L4 "Interpolation vs Extrapolation". The network trains on '
            "the middle 60% of the interval and is tested on the points farther out "
            "(black rims): perceptrons do not extrapolate well, so the test loss "
            'stays high while the training loss falls. Set "Test data" to random '
            "points and compare."
        ),
        "claims": ["C18"],
    },
    "convex-regions": {
        "name": "Convex polygons (3 ReLU units)",
        "hash": (
            "dataset=xor&networkShape=3&activation=relu&optimizer=adam"
            "&learningRate=0.03&showRegions=true&seed=1"
        ),
        "caption": (
            'Lectures: L0 "Convex polygons". Each of the 3 ReLU units cuts the '
            "plane along a line; the linear regions (outlined) are convex polygons, "
            "at most 7 (Zaslavsky's bound, shown beside the count)."
        ),
        "claims": ["C3"],
    },
    "deep-vs-shallow": {
        "name": "Deep vs shallow: regions",
        "hash": (
            "dataset=spiral&networkShape=6,6,6&activation=relu&optimizer=adam"
            "&learningRate=0.01&showRegions=true&seed=2"
        ),
        "caption": (
            'Lectures: L2 "Depth efficiency of neural networks". Three layers of 6 '
            "ReLU units make far more linear regions than one layer of 18 (at most "
            "172 for one layer): compare the count with networkShape=18."
        ),
        "claims": ["C5"],
    },
    "vanishing": {
        "name": "Vanishing gradients (8 sigmoid layers)",
        "hash": (
            "dataset=circle&networkShape=8,8,8,8,8,8,8,8&activation=logistic"
            "&optimizer=sgd&learningRate=0.1&seed=0"
        ),
        "caption": (
            'Lectures: L4 "Vanishing and Exploding Gradients". With 8 sigmoid '
            "layers the gradient norm (bars under the loss chart) shrinks by orders "
            "of magnitude towards layer 1, and training stalls. Switch the "
            "activation to relu and reset."
        ),
        "claims": ["C19"],
    },
    "weight-decay": {
        "name": "Weight decay",
        "hash": (
            "dataset=circle&noise=35&networkShape=16,16&activation=relu"
            "&optimizer=adam&learningRate=0.01&regularization=L2"
            "&regularizationRate=0.01&showTestData=true&seed=4"
        ),
        "caption": (
            'Lectures: L4 "Weight Decay". E(w) + λ‖w‖² keeps the weights small and '
            "the boundary smooth on noisy data; set the rate to 0 and reset to see "
            "the boundary chase the noise and the test loss rise."
        ),
        "claims": ["C17"],
    },
    "mini-batches": {
        "name": "Mini-batch noise",
        "hash": (
            "dataset=spiral&networkShape=8,8&activation=tanh&optimizer=sgd"
            "&learningRate=0.03&batchSize=1&seed=5"
        ),
        "caption": (
            'Lectures: L4 "Training the Network". With batches of 1 the loss '
            "decreases over time but not monotonically; move the batch size to 30 "
            "and the curve smooths."
        ),
        "claims": ["C16"],
    },
    "banana": {
        "name": "Rosenbrock banana",
        "hash": (
            "dataset=banana&networkShape=4&activation=tanh&optimizer=adam&learningRate=0.03&seed=0"
        ),
        "caption": (
            'Lectures: L4 "Rosenbrock using a MLP". Logistic regression (no hidden '
            "layer) fails on the curved band; a handful of hidden units fit it."
        ),
        "claims": ["C7"],
    },
    "checkerboard": {
        "name": "Checkerboard",
        "hash": (
            "dataset=checkerboard&networkShape=10&activation=relu&optimizer=adam"
            "&learningRate=0.03&nSamples=1000&seed=0"
        ),
        "caption": (
            'Lectures: L4 "Checker Board using AdaBoost". No single hyperplane '
            "beats chance on the checkerboard; one hidden layer of 10 units, "
            "trained together, solves it."
        ),
        "claims": ["C8"],
    },
}

#: Claim id of ``mlpkit reproduce`` -> preset id.
CLAIM_PRESETS: dict[str, str] = {
    str(claim): name
    for name, p in PRESETS.items()
    for claim in p["claims"]  # type: ignore[attr-defined]
}


def preset_url(claim: str, base: str = "http://127.0.0.1:8000/") -> str | None:
    """The playground link for a claim id (e.g. ``"C9"``), or None when it has no preset.

    Examples
    --------
    >>> preset_url("C9")
    'http://127.0.0.1:8000/#preset=rings-width-2'
    """
    name = CLAIM_PRESETS.get(claim)
    return None if name is None else f"{base}#preset={name}"
