"""The claims, in order: C1-C21 (the lectures' main claims) and D1-D15 (further results
of the notes): what each lecture says and which experiment tests it.

D6 (the three mini-batch panels) is run as C16, which was rebuilt from those panels. D8
(word2vec CBOW) lives in ``word2vec.py`` and is registered below when that module exists.
"""

from __future__ import annotations

import importlib
import importlib.util

from . import (
    behaviour,
    classification,
    digits,
    image,
    kernels,
    regions,
    representation,
    shallow,
)
from ._base import Claim

CLAIMS: list[Claim] = [
    Claim(
        "C1",
        "1-3-1 network: 10 parameters, 3 joints",
        ("000", "002"),
        "“This model has 10 parameters” … “Piecewise linear functions with three joints”; "
        "panels: 3 linear functions → ReLU → weighted → summed.",
        "10 params, 3 joints",
        "Each hidden unit h_d = a[θ_d0 + θ_d1 x] is a ReLU of a line, so it has one joint "
        "where the line crosses zero. The output y = φ0 + Σ φd hd adds three such "
        "hinged lines: a piecewise-linear function with (up to) three joints, whatever the "
        "parameters.",
        shallow.c1_joints,
    ),
    Claim(
        "C2",
        "Universal approximation: more hidden units, smaller error",
        ("000", "002", "003", "004"),
        "“With enough hidden units … we can describe any 1D function to arbitrary "
        "accuracy”; Rosenbrock regression: 2 nodes → loss 3.02e-01, 3 → 2.08e-02, "
        "4 → 8.27e-03.",
        "3.02e-01, 2.08e-02, 8.27e-03",
        "A shallow net with D units is a sum of D hinged (or squashed) lines; more units "
        "give more joints and a closer fit. The universal approximation theorem promises "
        "arbitrary precision on a compact set — but not how many units it takes.",
        shallow.c2_universal,
        trains=True,
    ),
    Claim(
        "C3",
        "2 inputs, 3 hidden units: convex polygons",
        ("000", "002"),
        "“2 inputs, 3 hidden units, 1 output” … “Convex polygons”.",
        "convex regions",
        "With two inputs each hidden unit's joint becomes a line in the plane. Three "
        "lines cut the plane into at most 7 regions; in each, every unit is either on or "
        "off, so the output is one plane there, and each region — an intersection of "
        "half-planes — is a convex polygon.",
        shallow.c3_polygons,
    ),
    Claim(
        "C4",
        "Depth beats width per parameter",
        ("000",),
        "Composing two 1-3-1 networks: “20 parameters, (at least) 9 regions”; "
        "“shallow with six hidden units: 19 parameters, max 7 regions”.",
        "≥ 9 vs ≤ 7 regions",
        "Network 1 folds the input: its output sweeps the same range three times, and "
        "network 2's three pieces are replayed on every sweep. A shallow 1-6-1 net has "
        "6 joints and so at most 7 regions.",
        regions.c4_depth,
    ),
    Claim(
        "C5",
        "Maximum number of linear regions",
        ("002",),
        "“5 layers, 10 hidden units per layer, 471 parameters, 161,501 linear regions”; "
        "“5 layers, 50 hidden units per layer, 10,801 parameters, 10^134 linear regions”.",
        "161,501 (typo); 10^134 (errata: > 10^40)",
        "A shallow layer of D units over D_i inputs makes at most Σ_{j≤D_i} C(D, j) "
        "regions (Zaslavsky); K layers of D units can make (D/D_i + 1)^{D_i (K−1)} "
        "Σ_{j≤D_i} C(D, j) (Montúfar et al. 2014) — (D+1)^K with one input. The number "
        "grows exponentially with depth but only polynomially with width.",
        regions.c5_max_regions,
    ),
    Claim(
        "C6",
        "Parameter counts",
        ("002", "004"),
        "401 vs 151; 501, 501, 477, 541, 837; 471 (MLP 10/20/10) and 581 (ResNet "
        "10/20/10/10); MNIST-1D 15208 / 15210 / 15235 / 15139; 10,801.",
        "… 15208/15210/15235/15139 …",
        "Each fully connected layer has n_in · n_out weights and n_out biases; residual "
        "connections add none.",
        regions.c6_counts,
    ),
    Claim(
        "C7",
        "Rosenbrock banana vs AdaBoost",
        ("004",),
        "Positive iff 100(x2 − x1²)² + (1 − x1)² < 0.5; one hidden layer, 3 < n < 100: "
        "accuracy as a function of n, AdaBoost vs MLP.",
        "curves (no number)",
        "Both methods combine hyperplanes: AdaBoost adds one linear classifier at a time; "
        "the MLP optimises all n of them together, and bends the banana's boundary "
        "with few units. Logistic regression (one hyperplane) cannot.",
        classification.c7_banana,
        trains=True,
    ),
    Claim(
        "C8",
        "Checkerboard: AdaBoost fails, an MLP succeeds",
        ("004",),
        "“Validation (56% accuracy) … AdaBoost with linear weak classifiers fails”; "
        "“One hidden layer: n=10 … They succeed”.",
        "AdaBoost 56%",
        "On a checkerboard no single hyperplane does better than chance, so a learner "
        "that adds them one at a time has nothing to add. An MLP places all its "
        "hyperplanes together, and their combination carves out the tiles.",
        classification.c8_checkerboard,
        trains=True,
    ),
    Claim(
        "C9",
        "Concentric rings need a layer of 3 units",
        ("003",),
        "A = {d < 1/3}, B = {2/3 < d < 1}: “impossible … without having a layer that has "
        "3 or more hidden units”.",
        "width 2 fails, width 3 works",
        "A tanh layer of width 2 with invertible weights is a continuous deformation of "
        "the plane: it can stretch and squash but not tear, so the ring always surrounds "
        "the disc and no line separates them. A third dimension lets the disc be lifted "
        "out of the ring.",
        classification.c9_rings,
        trains=True,
    ),
    Claim(
        "C10",
        "Two layers: cleaner boundaries with fewer weights",
        ("004",),
        "“One hidden layer: n=100, 401 weights” vs “Two hidden layers: n1=10, n2=10, "
        "151 weights: better defined boundaries with far fewer weights”.",
        "401 vs 151 weights",
        "The second layer combines the first layer's hyperplanes into new, folded "
        "boundaries, so a few units in two layers describe what a single layer needs "
        "many units for.",
        classification.c10_two_layers,
        trains=True,
    ),
    Claim(
        "C11",
        "Image surface: nodes and layers",
        ("004",),
        "I = f(x, y): 50 nodes → 3.65e-01, 100 → 2.50e-01, 125 → 2.40e-01, 300 → "
        "1.92e-01; at 501 weights 1 layer (125) 2.40e-01 vs 2 layers (20) 8.31e-02; "
        "3 layers (14, 477 weights) 7.55e-02.",
        "3.65e-01 … 1.92e-01; 8.31e-02",
        "More nodes give more hyperplanes and a closer approximation, but slowly; at the "
        "same number of weights a second layer composes the first layer's pieces and "
        "does far better. A third layer helps less: diminishing returns.",
        image.c11_surface,
        trains=True,
    ),
    Claim(
        "C12",
        "Interpolating a 51×51 image",
        ("004",),
        "MLP 10/20/10: 471 weights, loss 6.43e-02; ResNet 10/20/10/10: 581 weights, loss "
        "5.30e-2; ReLU 10/20/10: loss 3.07e-1 — “Tanh works better than ReLU in this "
        "case”.",
        "6.43e-02 / 5.30e-02 / 3.07e-01",
        "Trained on the 24×24 image and queried between its pixels, the network "
        "interpolates. The residual bypass lets the last layers compute only a "
        "correction; tanh's smooth pieces suit a smooth image better than ReLU's planes "
        "on this small problem.",
        image.c12_interpolation,
        trains=True,
    ),
    Claim(
        "C13",
        "MNIST: one vs two hidden layers, SVM and kNN",
        ("004",),
        "20 < n1 < 120: “Two-layer MLP yield better accuracy with fewer weights "
        "initially. One-layer MLP eventually catches up”; SVM: 98.6, Knn: 96.8.",
        "SVM 98.6, kNN 96.8",
        "784 inputs make the first layer dominate the weight count; a second hidden layer "
        "adds few weights and helps small networks; with more units one layer catches up.",
        digits.c13_mnist,
        trains=True,
    ),
    Claim(
        "C14",
        "MNIST-1D: deeper nets fit in fewer epochs",
        ("002",),
        "4000 examples with random labels, full-batch gradient descent, He "
        "initialisation, lr 0.0025; 298, 100, 75, 63 units; 15208, 15210, 15235, 15139 "
        "parameters: “All models train successfully, but deeper models require fewer "
        "epochs”.",
        "deeper: fewer epochs (no number)",
        "With random labels the nets must memorise; at the same number of parameters "
        "the deeper ones, with more linear regions per parameter, do it in fewer steps.",
        digits.c14_mnist1d,
        trains=True,
    ),
    Claim(
        "C15",
        "BMI regression with a 2-8-1 ReLU MLP",
        ("001",),
        "x = (height, weight), y = BMI: “a 2-layer MLP with 8 hidden units and ReLU "
        "activation in the first layer”.",
        "(no number)",
        "BMI = weight / height² is non-linear in both inputs; eight hinged planes are "
        "enough to follow it closely over the adult range.",
        behaviour.c15_bmi,
        trains=True,
    ),
    Claim(
        "C16",
        "Mini-batches: noisy descent, less overfitting",
        ("004",),
        "“The loss decreases over time but not monotonically”; “The element of "
        "randomness prevents overfitting”.",
        "(no number)",
        "Each step follows the gradient of a random mini-batch B^τ, not of the whole "
        "loss, so single steps can go up; the noise also keeps the weights from "
        "settling into a fit of the training noise.",
        behaviour.c16_minibatch,
        trains=True,
    ),
    Claim(
        "C17",
        "Weight decay chosen on validation data",
        ("004",),
        "E(w) = Σ E_n(w) + λ‖w‖²: “How large should λ be? → Use validation data”.",
        "(no number)",
        "The penalty keeps weights small and the function smooth; too little overfits, "
        "too much underfits, and held-out data tell where between.",
        behaviour.c17_weight_decay,
        trains=True,
    ),
    Claim(
        "C18",
        "Interpolation, not extrapolation",
        ("004",),
        "“Perceptrons do not extrapolate well”.",
        "(no number)",
        "Outside the training range nothing constrains the pieces: ReLU nets continue "
        "their last linear piece, tanh nets flatten out — neither follows the function.",
        behaviour.c18_extrapolation,
        trains=True,
    ),
    Claim(
        "C19",
        "Vanishing gradients: sigmoid vs ReLU and residuals",
        ("004", "000"),
        "“When the argument is not close to zero the gradients vanish”; remedies: ReLU, "
        "gradient clipping, residual connections.",
        "(no number)",
        "Backpropagation multiplies by σ′(a) ≤ 1/4 at every sigmoid layer, so the "
        "gradient shrinks geometrically towards the input. ReLU's derivative is 1 where "
        "active, and a residual connection adds an identity path for the gradient.",
        behaviour.c19_vanishing,
        trains=True,
    ),
    Claim(
        "C20",
        "Representation view: SVD and warping",
        ("002",),
        "[[0.19, 1.84], [−0.97, −0.93]] = U · diag(2.17, 0.74) · Vᵀ; “A neural network "
        "with two inputs, two hidden units and one output warps space so that data can "
        "become linearly separable”.",
        "2.17, 0.74",
        "A linear layer rotates, scales and reflects; adding an activation bends the "
        "grid, and the last (linear) layer only has to draw a line in the warped space.",
        representation.c20_svd_warp,
        trains=True,
    ),
    Claim(
        "C21",
        "Composition multiplies peaks",
        ("004",),
        "f1 with n1 = 3 peaks, f2 with n2 = 2: f2(f1(·)) has 2·n1·n2 = 12 peaks; n1 = 4, "
        "n2 = 5 → 40.",
        "12 and 40",
        "Each of f1's 2·n1 monotone sweeps over [0, 1] replays all n2 peaks of f2: "
        "descriptive power grows with the product of the layers' widths.",
        representation.c21_peaks,
    ),
]

CLAIMS += [
    Claim(
        "D1",
        "RBF SVM (γ = 200) vs one and two hidden layers on random points",
        ("004",),
        "“Randomly distributed points and RBF kernels: Rbf, γ = 200; n=100, 72%; n=400, "
        "77%; n=1600, 79%” … one hidden layer, two hidden layers: “The two layer networks "
        "converge faster and better”.",
        "72 %, 77 %, 79 %",
        "An RBF kernel with γ = 200 is a bump of width about 0.05: it needs many points to "
        "pave an intricate boundary. A second hidden layer composes the first layer's "
        "hyperplanes, and with few weights reaches a lower loss sooner.",
        kernels.d1_rbf_points,
        trains=True,
    ),
    Claim(
        "D2",
        "Second node-count series: 2.61e-01, 2.51e-04, 3.07e-07",
        ("004",),
        "“2 nodes -> loss 2.61e-01; 3 nodes -> loss 2.51e-04; 4 nodes -> loss 3.07e-07. "
        "The more nodes the more accurate the approximation.”",
        "2.61e-01, 2.51e-04, 3.07e-07",
        "When the target is itself a small sigmoid network, one node more than it needs "
        "fits it exactly: the loss falls by orders of magnitude, not by a constant factor.",
        shallow.d2_second_series,
        trains=True,
    ),
    Claim(
        "D3",
        "A third layer: diminishing returns",
        ("004",),
        "“3 Layers: 15 nodes -> loss 5.93e-02, 541 weights; 3 Layers: 19 nodes -> loss "
        "4.38e-02, 837 weights … the difference is less striking. Diminishing returns?”",
        "5.93e-02 (541 w), 4.38e-02 (837 w)",
        "Once the net composes enough pieces for the surface, more weights in the same "
        "shape buy less and less.",
        image.d3_third_layer,
        trains=True,
    ),
    Claim(
        "D4",
        "Second ResNet and tanh/ReLU slides",
        ("004",),
        "“MLP 10/20/10: 471 weights, loss 1.95e-02. Resnet 10/20/10/10: 581 weights, loss "
        "1.36e-2 … Relatively small improvement in this case”; “tanh, loss 1.95e-02 … "
        "relu, loss 7.21e-2”; “Networks can behave very differently for small and large "
        "problems!”",
        "1.95e-02 / 1.36e-02 / 7.21e-02",
        "The same comparison after more training: the residual bypass still helps a "
        "little, and on this small smooth image tanh still beats ReLU.",
        image.d4_second_series,
        trains=True,
    ),
    Claim(
        "D5",
        "Loss curves by depth and activation",
        ("004",),
        "Legend: “Blue line: Tanh, 1 layers; Red line: Tanh, 2 layers; Green line: Tanh, 3 "
        "layers; Black line: ReLU, 3 layers; Green 'x': Tanh, 4 layers” → “Tanh works better "
        "than ReLU in this case”.",
        "(curves, no numbers)",
        "Deeper tanh nets reach lower losses on the image; ReLU's flat pieces fit a smooth "
        "surface less well at this size.",
        image.d5_loss_curves,
        trains=True,
    ),
    Claim(
        "D7",
        "SVM vs MLP on MNIST",
        ("004",),
        "“50'000 training pairs …, 10'000 validation pairs, and 5'000 testing pairs”; "
        "“SVM: 98.6 … Around 2005, SVMs were often felt to be superior to neural nets. This "
        "is no longer the case …”",
        "SVM 98.6",
        "Both build a high-dimensional feature vector and a linear classifier on it; the "
        "MLP learns its features instead of fixing them with a kernel, and with modern "
        "training it matches or beats the SVM.",
        kernels.d7_svm_vs_mlp,
        trains=True,
    ),
    Claim(
        "D9",
        "Exploding gradients and gradient clipping",
        ("004",),
        "“If the δ_i become large in several consecutive layers, their product can become "
        "exponentially large —> Exploding gradients. The problem can be mitigated by using "
        "ReLU, clipping the gradients, …”",
        "(no number)",
        "Backpropagation multiplies by each layer's weights on the way down; weights that "
        "amplify compound exponentially with depth. Clipping bounds the step, so one huge "
        "gradient cannot throw the weights away.",
        behaviour.d9_exploding,
        trains=True,
    ),
    Claim(
        "D10",
        "A 1-4-2 network's outputs share its joints",
        ("000", "002"),
        "“1 input, 4 hidden units, 2 outputs”: y1 = φ10 + Σ φ1d hd, y2 = φ20 + Σ φ2d hd.",
        "(same joints)",
        "Both outputs are weighted sums of the same four hinged units, so both can only "
        "bend where a unit switches on: at the same joints, with different slopes.",
        shallow.d10_shared_joints,
        trains=True,
    ),
    Claim(
        "D11",
        "Parameter counts: 20 and 13,002",
        ("000", "004"),
        "3 inputs, 3 hidden units, 2 outputs: 20 parameters; a 784-16-16-10 network: 13,002.",
        "20; 13,002",
        "Each layer has n_in · n_out weights and n_out biases: 3·3+3 + 3·2+2 = 20; "
        "784·16+16 + 16·16+16 + 16·10+10 = 13,002.",
        regions.d11_parameter_counts,
    ),
    Claim(
        "D12",
        "Two layers split the first layer's regions",
        ("004", "000"),
        "“One layer: two hyperplanes” / “Two layers: two hyperplanes”: “Each region created "
        "by a layer is split into smaller regions: their boundaries are correlated in a "
        "complex way”; composing networks in 2D.",
        "(pictures)",
        "Inside each region of the first layer the second layer is affine, so its "
        "boundaries are straight there and bend only on the first layer's lines: every "
        "region can be cut again.",
        regions.d12_region_splitting,
    ),
    Claim(
        "D13",
        "ReLU(Sx) and tanh(Sx) warping at two scales",
        ("002",),
        "“ReLU(Sx) activation function with two different scale factors S”; “tanh(Sx) "
        "activation function with two different scale factors S”.",
        "(pictures)",
        "ReLU is positively homogeneous, so the scale only resizes its fold onto the "
        "positive quadrant; tanh is nearly the identity near 0 and saturates far from it, "
        "so small S barely bends the grid and large S pushes it into the corners.",
        representation.d13_warping,
    ),
    Claim(
        "D14",
        "Optimiser paths: SGD, momentum, Nesterov, RMSProp, Adam",
        ("003",),
        "“Modern SGD variants” (animations of SGD, momentum, NAG, Adagrad, Adadelta, "
        "RMSprop on test surfaces).",
        "(animations)",
        "In a narrow valley plain gradient descent zig-zags across and crawls along; "
        "momentum accumulates the consistent direction, Nesterov looks ahead before "
        "stepping, RMSProp and Adam rescale each coordinate by its gradient size.",
        behaviour.d14_optimiser_paths,
    ),
    Claim(
        "D15",
        "Linear layers collapse, shown by training",
        ("001",),
        "Linear layers without activations: W = W2 W1, b = W2 b1 + b2 — a deep linear net "
        "is one linear layer.",
        "(no number)",
        "Without an activation the composition of affine maps is affine, so depth adds "
        "nothing: the trained 4-layer linear net draws one line, like logistic regression.",
        behaviour.d15_linear_collapse,
        trains=True,
    ),
]

# D8, word2vec CBOW: its own module (``word2vec.py``, exposing ``CLAIM``), added by a
# separate change and registered here, between D7 and D9, when it is present.
if importlib.util.find_spec(f"{__package__}.word2vec") is not None:
    _word2vec = importlib.import_module(f"{__package__}.word2vec")
    CLAIMS.insert(next(i for i, c in enumerate(CLAIMS) if c.id == "D9"), _word2vec.CLAIM)

BY_ID = {c.id: c for c in CLAIMS}
