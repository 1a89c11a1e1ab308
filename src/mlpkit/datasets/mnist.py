"""The real MNIST from IDX files in a directory you name, and a downloader for them.

IDX format (LeCun et al., http://yann.lecun.com/exdb/mnist/): a 4-byte big-endian magic
number ``0x00 0x00 <type> <ndim>``, then ``ndim`` big-endian uint32 sizes, then the
values in C order, big-endian. MNIST's images are ``0x00000803`` (unsigned bytes, 3-D:
count × 28 × 28) and its labels ``0x00000801`` (unsigned bytes, 1-D). The files may be
gzipped; this is recognised from the content, not the name.

Nothing here runs at import time, and nothing touches the network except
:func:`download_mnist`.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import shutil
import struct
import urllib.error
import urllib.request
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ._common import FloatArray, IntArray

__all__ = [
    "MNIST_BASE_URL",
    "MNIST_FILES",
    "MNIST_MD5",
    "download_mnist",
    "load_mnist",
    "read_idx",
    "write_idx",
]

#: IDX type codes and the (big-endian) dtypes they name.
_IDX_DTYPES: dict[int, np.dtype[Any]] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_IMAGES_MAGIC = 0x00000803
_LABELS_MAGIC = 0x00000801

#: A mirror of LeCun's files (the one torchvision tries first); yann.lecun.com itself
#: often refuses downloads.
MNIST_BASE_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"

#: The four files of MNIST, as the mirrors name them.
MNIST_FILES: tuple[str, ...] = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)

#: MD5 checksums of the four gzipped files (the values torchvision checks).
MNIST_MD5: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}

_KIND_PREFIX = {"train": "train", "test": "t10k", "t10k": "t10k"}


# ------------------------------------------------------------------------------- IDX


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file.")
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a directory; read_idx needs an IDX file.")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":  # the gzip magic number
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(
                f"{path}: corrupt or truncated gzip data ({exc}). Download the file again."
            ) from exc
    return raw


def _parse_idx(path: Path) -> tuple[npt.NDArray[Any], int]:
    """Parse an IDX file strictly; return the array (native byte order) and its magic."""
    data = _read_bytes(path)
    if len(data) < 4:
        raise ValueError(
            f"{path}: only {len(data)} byte(s), too short for the 4-byte IDX magic number; "
            "the file is empty or truncated. Download it again."
        )
    magic = int.from_bytes(data[:4], "big")
    code, ndim = data[2], data[3]
    if data[:2] != b"\x00\x00" or code not in _IDX_DTYPES or ndim == 0:
        raise ValueError(
            f"{path}: bad magic number 0x{magic:08X}. An IDX file starts with two zero "
            "bytes, a type code (0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C "
            "int32, 0x0D float32, 0x0E float64) and the number of dimensions: MNIST images "
            "are 0x00000803 and labels 0x00000801. This is not an IDX file (gzip is "
            "recognised automatically)."
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(
            f"{path}: truncated header: magic 0x{magic:08X} announces {ndim} dimension "
            f"sizes ({header} header bytes) but the file has only {len(data)} bytes. "
            "Download it again."
        )
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = _IDX_DTYPES[code]
    count = math.prod(shape)
    expected = header + count * dtype.itemsize
    if len(data) < expected:
        raise ValueError(
            f"{path}: truncated: the header announces shape {shape} ({expected} bytes in "
            f"all) but the file has only {len(data)} bytes ({expected - len(data)} "
            "missing). Download it again."
        )
    if len(data) > expected:
        raise ValueError(
            f"{path}: {len(data) - expected} unexpected byte(s) after the {count} values "
            f"the header announces (shape {shape}); the file is corrupt or not IDX. "
            "Download it again."
        )
    arr = np.frombuffer(data, dtype=dtype, count=count, offset=header).reshape(shape)
    return arr.astype(dtype.newbyteorder("=")), magic


def read_idx(path: str | os.PathLike[str]) -> npt.NDArray[Any]:
    """Read an IDX file (gzipped or not) into a NumPy array, checking it strictly.

    Parameters
    ----------
    path : str or path-like
        The file, e.g. ``train-images-idx3-ubyte`` or ``train-images-idx3-ubyte.gz``.
        Gzip compression is recognised from the first two bytes.

    Returns
    -------
    ndarray
        Of the shape stored in the header and the dtype its type code names
        (``uint8`` for MNIST), in native byte order.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the gzip stream is corrupt, the magic number is not IDX, or the file is
        shorter or longer than its header announces. Every message names the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labels-idx1-ubyte.gz"
    >>> write_idx(path, np.array([5, 0, 4], dtype=np.uint8))
    >>> read_idx(path).tolist()
    [5, 0, 4]
    """
    return _parse_idx(Path(path))[0]


def write_idx(path: str | os.PathLike[str], array: npt.ArrayLike) -> None:
    """Write an array as an IDX file, gzipped if ``path`` ends in ``.gz``.

    The inverse of :func:`read_idx`: handy to make test fixtures or to export data for
    tools that read MNIST's format. Supported dtypes: uint8, int8, int16, int32,
    float32, float64.

    Parameters
    ----------
    path : str or path-like
        Where to write.
    array : array-like with at least one dimension
        The data; every dimension must be below 2**32.
    """
    arr = np.asarray(array)
    codes = {dt.newbyteorder("="): code for code, dt in _IDX_DTYPES.items()}
    native = arr.dtype.newbyteorder("=")
    if native not in codes:
        raise ValueError(
            f"write_idx cannot store dtype {arr.dtype}; use one of uint8, int8, int16, "
            "int32, float32, float64 (e.g. array.astype(np.uint8))."
        )
    if arr.ndim == 0 or arr.ndim > 255 or any(s >= 2**32 for s in arr.shape):
        raise ValueError(f"write_idx needs 1 to 255 dimensions each < 2**32; got {arr.shape}.")
    code = codes[native]
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    payload = header + np.ascontiguousarray(arr, dtype=_IDX_DTYPES[code]).tobytes()
    p = Path(path)
    if p.suffix == ".gz":
        payload = gzip.compress(payload, mtime=0)
    p.write_bytes(payload)


# ----------------------------------------------------------------------------- MNIST


def _candidates(prefix: str, what: str) -> list[str]:
    # "train-images-idx3-ubyte" (LeCun) and "train-images.idx3-ubyte" (Kaggle copies),
    # each plain or gzipped; plain first since it needs no decompression.
    names = [f"{prefix}-{what}", f"{prefix}-{what.replace('-idx', '.idx')}"]
    return names + [n + ".gz" for n in names]


def _find(directory: Path, prefix: str, what: str, label: str) -> Path:
    names = _candidates(prefix, what)
    for name in names:
        if (directory / name).is_file():
            return directory / name
    present = sorted(p.name for p in directory.iterdir())
    listing = ", ".join(present[:20]) + (
        f", ... ({len(present)} in all)" if len(present) > 20 else ""
    )
    raise FileNotFoundError(
        f"No MNIST {label} file in {directory}: expected one of {', '.join(names)}; the "
        f"directory contains {listing or 'nothing'}. Download the files with "
        f"mlpkit.datasets.download_mnist({str(directory)!r})."
    )


def load_mnist(
    directory: str | os.PathLike[str], kind: str = "train"
) -> tuple[FloatArray, IntArray]:
    """Load real MNIST (LeCun, Cortes and Burges) from IDX files in ``directory``.

    Looks for ``train-images-idx3-ubyte`` and ``train-labels-idx1-ubyte`` (or the
    ``t10k-`` pair for ``kind="test"``), gzipped or not, also under the Kaggle spelling
    ``train-images.idx3-ubyte``. Lecture L4 trains one- and two-hidden-layer MLPs on it.

    Parameters
    ----------
    directory : str or path-like
        The folder holding the files (see :func:`download_mnist`).
    kind : {"train", "test"}, default="train"
        The 60,000 training images or the 10,000 test images ("t10k" is accepted too).

    Returns
    -------
    X : ndarray of shape (n_images, 784), float64
        Grey levels divided by 255, in [0, 1], each 28×28 image row after row.
    y : ndarray of shape (n_images,), int64
        The digit, 0 to 9.

    Raises
    ------
    FileNotFoundError
        If ``directory`` or one of the two files is missing (the message lists the
        names looked for and what the directory holds).
    ValueError
        If a file is not a valid IDX file of the right kind (wrong magic number,
        truncated, corrupt gzip), or the image and label counts differ. Every message
        names the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_idx(d / "t10k-images-idx3-ubyte.gz", np.zeros((2, 28, 28), np.uint8))
    >>> write_idx(d / "t10k-labels-idx1-ubyte.gz", np.array([7, 2], np.uint8))
    >>> X, y = load_mnist(d, kind="test")
    >>> X.shape, y.tolist()
    ((2, 784), [7, 2])
    """
    if kind not in _KIND_PREFIX:
        raise ValueError(f"kind must be 'train' or 'test'; got {kind!r}.")
    d = Path(directory)
    if not d.exists():
        raise FileNotFoundError(
            f"MNIST directory {d} does not exist. Create it and put the four IDX files in "
            f"it, or fetch them with mlpkit.datasets.download_mnist({str(d)!r})."
        )
    if not d.is_dir():
        raise NotADirectoryError(
            f"{d} is not a directory; load_mnist needs the folder holding the IDX files."
        )
    prefix = _KIND_PREFIX[kind]
    images_path = _find(d, prefix, "images-idx3-ubyte", f"{kind} images")
    labels_path = _find(d, prefix, "labels-idx1-ubyte", f"{kind} labels")
    images, magic = _parse_idx(images_path)
    if magic != _IMAGES_MAGIC:
        raise ValueError(
            f"{images_path}: magic number 0x{magic:08X}, but MNIST images are 0x00000803 "
            "(unsigned bytes, 3 dimensions: count, rows, columns). Is it a labels file "
            "under the wrong name?"
        )
    labels, magic = _parse_idx(labels_path)
    if magic != _LABELS_MAGIC:
        raise ValueError(
            f"{labels_path}: magic number 0x{magic:08X}, but MNIST labels are 0x00000801 "
            "(unsigned bytes, 1 dimension). Is it an images file under the wrong name?"
        )
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"{images_path} holds {images.shape[0]} images but {labels_path} holds "
            f"{labels.shape[0]} labels; the two files must come from the same set. "
            "Download them again."
        )
    X = images.reshape(images.shape[0], -1).astype(np.float64) / 255.0
    return X, labels.astype(np.int64)


# -------------------------------------------------------------------------- download


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verify(path: Path, name: str, checksums: Mapping[str, str] | None) -> int:
    """Check a downloaded file; return the number of items its header announces."""
    if checksums is not None and name in checksums:
        got = _md5(path)
        if got != checksums[name].lower():
            raise ValueError(
                f"{path}: MD5 {got} does not match the expected {checksums[name]} for "
                f"{name}: the download is corrupt or the mirror serves other files. Try "
                "again, use another base_url, or pass checksums=None to skip this check."
            )
    arr, magic = _parse_idx(path)
    want = _IMAGES_MAGIC if "images" in name else _LABELS_MAGIC
    if magic != want:
        raise ValueError(f"{path}: magic number 0x{magic:08X}, expected 0x{want:08X}.")
    return int(arr.shape[0])


def _as_url(base_url: str | os.PathLike[str]) -> str:
    text = os.fspath(base_url)
    if "://" not in text:
        if Path(text).is_dir():
            return Path(text).resolve().as_uri() + "/"
        raise ValueError(
            f"base_url must be a URL such as {MNIST_BASE_URL!r} or 'file:///path/to/dir/', "
            f"or an existing directory; got {text!r}."
        )
    return text if text.endswith("/") else text + "/"


def download_mnist(
    directory: str | os.PathLike[str],
    base_url: str | os.PathLike[str] = MNIST_BASE_URL,
    *,
    overwrite: bool = False,
    timeout: float = 60.0,
    checksums: Mapping[str, str] | None = MNIST_MD5,
) -> Path:
    """Download MNIST's four gzipped IDX files into ``directory`` (urllib, no extras).

    Each file is written to ``<name>.part``, checked (MD5 if known, then parsed as IDX of
    the right kind), and only then renamed into place, so an interrupted download never
    leaves a file that looks complete. Files already present and valid are kept unless
    ``overwrite`` is True. Afterwards the image and label counts of each pair must match.

    Parameters
    ----------
    directory : str or path-like
        Where to put the files; created if needed.
    base_url : str or path-like, default=MNIST_BASE_URL
        The folder URL holding the files (http, https, ftp or file://); a local
        directory path is turned into a file:// URL.
    overwrite : bool, default=False
        Download again even if a valid file is present.
    timeout : float, default=60.0
        Seconds to wait for the server on each network operation.
    checksums : mapping of file name to MD5 hex digest, or None, default=MNIST_MD5
        Expected checksums; None skips the MD5 check (the IDX check still runs).

    Returns
    -------
    pathlib.Path
        ``directory``, ready for :func:`load_mnist`.

    Raises
    ------
    OSError
        If a file cannot be fetched (no network, HTTP error, timeout); the message
        names the URL.
    ValueError
        If a fetched file fails its checks; nothing is left behind under its name.
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    root = _as_url(base_url)
    counts: dict[str, int] = {}
    for name in MNIST_FILES:
        target = d / name
        if target.is_file() and not overwrite:
            try:
                counts[name] = _verify(target, name, checksums)
                continue
            except ValueError:
                pass  # a bad file from an earlier attempt: fetch it again
        url = root + name
        part = d / (name + ".part")
        try:
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    with part.open("wb") as out:
                        shutil.copyfileobj(response, out, 1 << 20)
            except (urllib.error.URLError, OSError, TimeoutError) as exc:
                if isinstance(exc, urllib.error.HTTPError):
                    reason: object = f"HTTP error {exc.code} ({exc.reason})"
                else:
                    reason = getattr(exc, "reason", exc)
                raise OSError(
                    f"Could not download {url}: {reason}. Check your network connection, "
                    f"pass base_url= another mirror, or put the files into {d} by hand."
                ) from exc
            counts[name] = _verify(part, name, checksums)
            os.replace(part, target)
        finally:
            part.unlink(missing_ok=True)
    for images, labels in ((MNIST_FILES[0], MNIST_FILES[1]), (MNIST_FILES[2], MNIST_FILES[3])):
        if counts[images] != counts[labels]:
            raise ValueError(
                f"{d / images} holds {counts[images]} images but {d / labels} holds "
                f"{counts[labels]} labels. Download again with overwrite=True."
            )
    return d
