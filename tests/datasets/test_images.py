"""Lecture L4's image as a surface I = f(x, y)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from mlpkit.datasets import load_image_surface


@pytest.mark.parametrize("size", [51, 24])
def test_seed_004_sizes(size: int) -> None:
    X, y, image = load_image_surface("china.jpg", size=size)
    assert X.shape == (size * size, 2) and X.dtype == np.float64
    assert y.shape == (size * size,) and y.dtype == np.float64
    assert image.shape == (size, size)
    assert 0.0 <= y.min() and y.max() <= 1.0 and y.std() > 0.1
    np.testing.assert_array_equal(y, image.ravel())


def test_seed_004_value_counts() -> None:
    # "Original 51x51 image: 2601 values; scaled 24x24: 576 values."
    assert load_image_surface(size=51)[1].size == 2601
    assert load_image_surface(size=24)[1].size == 576


def test_coordinates_are_row_major_in_minus_one_one() -> None:
    size = 5
    X, _, _ = load_image_surface(size=size)
    assert X[0].tolist() == [-1.0, -1.0]
    assert X[size - 1].tolist() == [1.0, -1.0]  # end of the first row: x = column
    assert X[size].tolist() == [-1.0, -0.5]  # start of the second row: y = row
    assert X[-1].tolist() == [1.0, 1.0]
    grid = X.reshape(size, size, 2)
    np.testing.assert_array_equal(grid[:, :, 0], np.tile(np.linspace(-1, 1, size), (size, 1)))


def test_pixels_are_block_averages_of_the_centre_crop_luma() -> None:
    # china.jpg is 427 × 640; its centre square is 427 = 7 × 61 pixels wide, so at
    # size 61 the box filter averages exact 7 × 7 blocks: recompute that independently.
    from sklearn.datasets import load_sample_image

    rgb = load_sample_image("china.jpg").astype(np.float64)
    assert rgb.shape[:2] == (427, 640)
    left = (640 - 427) // 2
    crop = rgb[:, left : left + 427]
    luma = crop @ [0.299, 0.587, 0.114] / 255
    expected = luma.reshape(61, 7, 61, 7).mean(axis=(1, 3))
    _, _, image = load_image_surface("china.jpg", size=61)
    np.testing.assert_allclose(image, expected, atol=1e-5)


def test_colour_and_grey_agree() -> None:
    _, y_rgb, rgb = load_image_surface("flower", size=24, grey=False)
    _, _, grey = load_image_surface("flower.jpg", size=24)
    assert y_rgb.shape == (576, 3) and rgb.shape == (24, 24, 3)
    np.testing.assert_allclose(rgb @ [0.299, 0.587, 0.114], grey, atol=1e-5)


def test_unknown_image_lists_the_available_ones() -> None:
    with pytest.raises(ValueError, match="'china.jpg', 'flower.jpg'"):
        load_image_surface("lena.png")


def test_size_must_be_at_least_two() -> None:
    with pytest.raises(ValueError, match="size must be an int >= 2"):
        load_image_surface(size=1)


def test_missing_pillow_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)  # makes `import PIL` raise ImportError
    with pytest.raises(ImportError, match=r"pip install pillow.*mlpkit\[images\]"):
        load_image_surface()
