"""Draw docs/images/rings.png, the README's picture (lecture L3's concentric rings).

python docs/make_readme_figure.py
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import mlpkit  # noqa: E402
from mlpkit.datasets import make_rings  # noqa: E402
from mlpkit.plotting import plot_decision_boundary  # noqa: E402

X, y = make_rings(1000, random_state=0)
fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.2))
nets = []
for ax, width in zip(axes[:2], (2, 3)):
    net = mlpkit.MLP([2, width, width, 2], activation="tanh", output="softmax", random_state=0)
    net.fit(X, y, optimizer="adam", lr=0.02, epochs=300, batch_size=50, validation_split=0.2)
    nets.append(net)
    plot_decision_boundary(
        net, X, y, ax=ax, title=f"every layer {width} wide: accuracy {net.score(X, y):.3f}"
    )
for net, colour in zip(nets, ("tab:orange", "tab:blue")):
    h, width = net.history_, net.layer_sizes[1]
    axes[2].semilogy(h.epoch, h.loss, color=colour, label=f"width {width}, train")
    axes[2].semilogy(h.epoch, h.val_loss, color=colour, ls="--", label=f"width {width}, validation")
axes[2].set(title="cross-entropy loss", xlabel="epoch")
axes[2].legend(fontsize=8)
axes[2].grid(alpha=0.3)
fig.suptitle("Lecture L3: concentric rings need a layer with 3 or more hidden units", fontsize=13)
fig.tight_layout()
out = Path(__file__).parent / "images" / "rings.png"
fig.savefig(out, dpi=90)
print(f"wrote {out}")
