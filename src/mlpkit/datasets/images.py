"""Lecture L4's "image as a surface" ``I = f(x, y)``: a photograph as a regression set."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import FloatArray, check_positive_int, missing_dependency

__all__ = ["SAMPLE_IMAGES", "load_image_surface"]

#: The photographs that ship with scikit-learn (``sklearn.datasets.load_sample_image``).
SAMPLE_IMAGES: tuple[str, ...] = ("china.jpg", "flower.jpg")

# ITU-R BT.601 luma weights (the ones Pillow's convert("L") uses).
_LUMA_601 = np.array([0.299, 0.587, 0.114])


def _resolve_name(name: Any) -> str:
    if isinstance(name, str):
        candidate = name if name.endswith(".jpg") else f"{name}.jpg"
        if candidate in SAMPLE_IMAGES:
            return candidate
    raise ValueError(
        f"Unknown sample image {name!r}; the images scikit-learn ships are "
        f"{', '.join(repr(k) for k in SAMPLE_IMAGES)}."
    )


def _resize(channel: FloatArray, size: int) -> FloatArray:
    """Area-average ("box filter") resampling of a 2-D float image to size × size."""
    from PIL import Image

    img = Image.fromarray(channel.astype(np.float32))  # a float32 array gives mode "F"
    out = img.resize((size, size), resample=Image.Resampling.BOX)
    return np.asarray(out, dtype=np.float64)


def load_image_surface(
    name: str = "china.jpg", size: int = 51, grey: bool = True
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """A sample photograph as a surface ``I = f(x, y)`` to regress (lecture L4).

    The image is cropped to its central square, converted to grey with the ITU-R 601
    luma ``Y = 0.299 R + 0.587 G + 0.114 B``, resampled to ``size × size`` by area
    averaging (Pillow's box filter, which antialiases and stays within the input
    range), and divided by 255. Lecture L4 fits the 51×51 version (2601 values) and
    interpolates from a 24×24 one (576 values).

    Parameters
    ----------
    name : {"china.jpg", "flower.jpg"}, default="china.jpg"
        One of scikit-learn's sample images (the ".jpg" may be left out).
    size : int, default=51
        Side of the square output, in pixels (>= 2).
    grey : bool, default=True
        If False, keep the three colour channels: ``y`` and ``image`` then get a last
        axis of length 3.

    Returns
    -------
    X : ndarray of shape (size * size, 2), float64
        Pixel coordinates scaled to [-1, 1], in row-major order: row ``i * size + j``
        holds ``(x, y) = (-1 + 2 j / (size - 1), -1 + 2 i / (size - 1))``, i.e. x is the
        column and y the row (y grows downwards, as in the image).
    y : ndarray of shape (size * size,) or (size * size, 3), float64
        Intensities in [0, 1]; ``y == image.reshape(size * size, -1).squeeze()``.
    image : ndarray of shape (size, size) or (size, size, 3), float64
        The resampled image.

    Raises
    ------
    ImportError
        If Pillow (needed by scikit-learn to read the JPEG files) is not installed.

    Examples
    --------
    >>> X, y, image = load_image_surface("china.jpg", size=24)
    >>> X.shape, y.shape, image.shape
    ((576, 2), (576,), (24, 24))
    >>> X[:2].tolist(), bool(np.array_equal(y, image.ravel()))
    ([[-1.0, -1.0], [-0.9130434782608696, -1.0]], True)
    """
    filename = _resolve_name(name)
    n = check_positive_int(size, "size", minimum=2)
    try:
        import PIL  # noqa: F401  (scikit-learn needs it to decode the JPEG files)
    except ImportError:
        raise missing_dependency("pillow", "images", "load_image_surface") from None
    from sklearn.datasets import load_sample_image

    rgb = np.asarray(load_sample_image(filename), dtype=np.float64)
    h, w = rgb.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    rgb = rgb[top : top + side, left : left + side]
    if grey:
        image = _resize(rgb @ _LUMA_601, n)
    else:
        image = np.stack([_resize(rgb[:, :, c], n) for c in range(3)], axis=-1)
    # Box averaging cannot leave [0, 255]; the clip only removes float32 rounding.
    image = np.clip(image / 255.0, 0.0, 1.0)
    coords = np.linspace(-1.0, 1.0, n)
    cols, rows = np.meshgrid(coords, coords)  # cols varies along axis 1 (x = column)
    X = np.column_stack([cols.ravel(), rows.ravel()])
    y = image.reshape(n * n, -1)
    return X, (y[:, 0].copy() if grey else y.copy()), image
