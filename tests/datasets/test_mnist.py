"""Real MNIST from IDX files: the strict parser, its errors, and the downloader.

No test touches the internet: the downloader is pointed at a local ``http.server``
bound to 127.0.0.1 (stopped after each test) or at a ``file://`` URL.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mlpkit.datasets import MNIST_FILES, download_mnist, load_mnist, read_idx, write_idx

N_TRAIN, N_TEST = 12, 5


def make_split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    return images, labels


def write_mnist(directory: Path, gz: bool = True, kaggle: bool = False) -> dict[str, Any]:
    """Write a tiny MNIST (12 train, 5 test images) in IDX format; return the arrays."""
    directory.mkdir(parents=True, exist_ok=True)
    ext = ".gz" if gz else ""
    sep = "." if kaggle else "-"
    data: dict[str, Any] = {}
    for prefix, n, seed in (("train", N_TRAIN, 0), ("t10k", N_TEST, 1)):
        images, labels = make_split(n, seed)
        write_idx(directory / f"{prefix}-images{sep}idx3-ubyte{ext}", images)
        write_idx(directory / f"{prefix}-labels{sep}idx1-ubyte{ext}", labels)
        data[prefix] = (images, labels)
    return data


# ------------------------------------------------------------------------------- IDX


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize(
    "array",
    [
        np.arange(24, dtype=np.uint8).reshape(2, 3, 4),
        np.array([3, 1, 4, 1, 5], dtype=np.uint8),
        np.array([-3, 7], dtype=np.int8),
        np.arange(6, dtype=np.int16).reshape(3, 2) - 3,
        np.array([[70000, -1]], dtype=np.int32),
        np.array([1.5, -2.25], dtype=np.float32),
        np.array([np.pi], dtype=np.float64),
    ],
    ids=lambda a: f"{a.dtype}-{a.ndim}d",
)
def test_idx_round_trip(tmp_path: Path, array: np.ndarray, gz: bool) -> None:
    path = tmp_path / ("data.idx" + (".gz" if gz else ""))
    write_idx(path, array)
    raw = path.read_bytes()
    assert (raw[:2] == b"\x1f\x8b") == gz
    back = read_idx(path)
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_idx_header_is_lecuns_format(tmp_path: Path) -> None:
    path = tmp_path / "images"
    write_idx(path, np.zeros((2, 28, 28), np.uint8))
    raw = path.read_bytes()
    assert raw[:4] == b"\x00\x00\x08\x03"
    assert raw[4:16] == (2).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
    assert len(raw) == 16 + 2 * 784


def test_write_idx_rejects_unsupported_dtypes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot store dtype int64"):
        write_idx(tmp_path / "x", np.array([1, 2], dtype=np.int64))


# ----------------------------------------------------------------------------- load


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("kaggle", [False, True])
def test_load_mnist_round_trip(tmp_path: Path, gz: bool, kaggle: bool) -> None:
    data = write_mnist(tmp_path, gz=gz, kaggle=kaggle)
    for kind, prefix in (("train", "train"), ("test", "t10k")):
        X, y = load_mnist(tmp_path, kind=kind)
        images, labels = data[prefix]
        assert X.shape == (len(labels), 784) and X.dtype == np.float64
        assert y.dtype == np.int64
        np.testing.assert_array_equal(X, images.reshape(len(labels), 784) / 255.0)
        np.testing.assert_array_equal(y, labels)
        assert X.min() >= 0 and X.max() <= 1


def test_load_mnist_accepts_t10k_and_str_paths(tmp_path: Path) -> None:
    write_mnist(tmp_path)
    X, _ = load_mnist(str(tmp_path), kind="t10k")
    assert X.shape == (N_TEST, 784)
    with pytest.raises(ValueError, match="kind must be 'train' or 'test'"):
        load_mnist(tmp_path, kind="validation")


def test_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match="does not exist") as info:
        load_mnist(missing)
    assert str(missing) in str(info.value) and "download_mnist" in str(info.value)


def test_not_a_directory(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(NotADirectoryError, match="not a directory"):
        load_mnist(f)


def test_missing_file_lists_expected_and_present(tmp_path: Path) -> None:
    write_mnist(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path)
    msg = str(info.value)
    assert "train labels" in msg and str(tmp_path) in msg
    assert "train-labels-idx1-ubyte.gz" in msg  # what was expected
    assert "notes.txt" in msg and "train-images-idx3-ubyte.gz" in msg  # what is there
    # The test files are still complete.
    assert load_mnist(tmp_path, kind="test")[0].shape == (N_TEST, 784)


def test_empty_directory_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="contains nothing"):
        load_mnist(tmp_path)


def test_bad_magic_names_the_file(tmp_path: Path) -> None:
    write_mnist(tmp_path, gz=False)
    path = tmp_path / "train-images-idx3-ubyte"
    raw = bytearray(path.read_bytes())
    raw[0] = 0x50  # e.g. a PNG or text file under the wrong name
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="bad magic number 0x50000803") as info:
        load_mnist(tmp_path)
    assert str(path) in str(info.value)


def test_swapped_files_are_detected(tmp_path: Path) -> None:
    write_mnist(tmp_path, gz=False)
    images = tmp_path / "train-images-idx3-ubyte"
    labels = tmp_path / "train-labels-idx1-ubyte"
    tmp = tmp_path / "tmp"
    images.rename(tmp)
    labels.rename(images)
    tmp.rename(labels)
    with pytest.raises(ValueError, match="MNIST images are 0x00000803") as info:
        load_mnist(tmp_path)
    assert str(images) in str(info.value)


def test_truncated_file_names_the_file(tmp_path: Path) -> None:
    write_mnist(tmp_path, gz=False)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match="truncated.*100 missing") as info:
        load_mnist(tmp_path)
    assert str(path) in str(info.value)


def test_truncated_header(tmp_path: Path) -> None:
    path = tmp_path / "labels"
    path.write_bytes(b"\x00\x00\x08\x03\x00\x00")
    with pytest.raises(ValueError, match="truncated header") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="too short") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_trailing_bytes(tmp_path: Path) -> None:
    path = tmp_path / "labels"
    write_idx(path, np.arange(5, dtype=np.uint8))
    path.write_bytes(path.read_bytes() + b"\x00\x00")
    with pytest.raises(ValueError, match="2 unexpected byte") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_truncated_gzip_names_the_file(tmp_path: Path) -> None:
    write_mnist(tmp_path, gz=True)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(ValueError, match="corrupt or truncated gzip") as info:
        load_mnist(tmp_path)
    assert str(path) in str(info.value)


def test_count_mismatch_names_both_files(tmp_path: Path) -> None:
    write_mnist(tmp_path, gz=False)
    labels = tmp_path / "train-labels-idx1-ubyte"
    write_idx(labels, np.zeros(N_TRAIN - 1, np.uint8))
    with pytest.raises(ValueError, match=f"holds {N_TRAIN} images but") as info:
        load_mnist(tmp_path)
    msg = str(info.value)
    assert str(tmp_path / "train-images-idx3-ubyte") in msg and str(labels) in msg
    assert f"{N_TRAIN - 1} labels" in msg


def test_read_idx_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_idx(tmp_path / "absent.gz")


# ------------------------------------------------------------------------- download


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests: list[str] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        super().do_GET()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    """A local HTTP server on 127.0.0.1 serving a tiny gzipped MNIST; yields its URL."""
    root = tmp_path / "mirror"
    data = write_mnist(root, gz=True)
    _QuietHandler.requests = []

    def handler(*args: Any, **kwargs: Any) -> _QuietHandler:
        return _QuietHandler(*args, directory=str(root), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root, data
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_download_from_a_local_server(
    served: tuple[str, Path, dict[str, Any]], tmp_path: Path
) -> None:
    url, _, data = served
    dest = tmp_path / "dest" / "mnist"
    out = download_mnist(dest, base_url=url, checksums=None, timeout=10)
    assert out == dest
    assert sorted(p.name for p in dest.iterdir()) == sorted(MNIST_FILES)  # no .part left
    X, y = load_mnist(dest, "train")
    np.testing.assert_array_equal(X, data["train"][0].reshape(N_TRAIN, 784) / 255.0)
    np.testing.assert_array_equal(y, data["train"][1])
    assert len(_QuietHandler.requests) == 4
    # Valid files already there are not fetched again ...
    download_mnist(dest, base_url=url, checksums=None, timeout=10)
    assert len(_QuietHandler.requests) == 4
    # ... unless asked to, or unless one is damaged.
    download_mnist(dest, base_url=url, checksums=None, overwrite=True, timeout=10)
    assert len(_QuietHandler.requests) == 8
    (dest / "t10k-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    download_mnist(dest, base_url=url, checksums=None, timeout=10)
    assert _QuietHandler.requests[8:] == ["/t10k-labels-idx1-ubyte.gz"]
    assert load_mnist(dest, "test")[1].tolist() == data["t10k"][1].tolist()


def test_download_checks_md5(served: tuple[str, Path, dict[str, Any]], tmp_path: Path) -> None:
    url, root, _ = served
    good = {n: hashlib.md5((root / n).read_bytes()).hexdigest() for n in MNIST_FILES}
    download_mnist(tmp_path / "ok", base_url=url, checksums=good, timeout=10)
    bad = dict(good, **{"train-labels-idx1-ubyte.gz": "0" * 32})
    dest = tmp_path / "bad"
    with pytest.raises(ValueError, match="does not match the expected 0000") as info:
        download_mnist(dest, base_url=url, checksums=bad, timeout=10)
    assert "train-labels-idx1-ubyte.gz" in str(info.value)
    # Atomic: neither the bad file nor its .part is left behind.
    assert sorted(p.name for p in dest.iterdir()) == ["train-images-idx3-ubyte.gz"]


def test_download_rejects_a_non_idx_file(
    served: tuple[str, Path, dict[str, Any]], tmp_path: Path
) -> None:
    url, root, _ = served
    (root / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(b"<html>not found</html>"))
    dest = tmp_path / "dest"
    with pytest.raises(ValueError, match="bad magic number"):
        download_mnist(dest, base_url=url, checksums=None, timeout=10)
    assert not (dest / "t10k-images-idx3-ubyte.gz").exists()
    assert not list(dest.glob("*.part"))


def test_download_http_error_names_the_url(
    served: tuple[str, Path, dict[str, Any]], tmp_path: Path
) -> None:
    url, root, _ = served
    (root / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(OSError, match=r"Could not download .*t10k-labels-idx1-ubyte\.gz") as info:
        download_mnist(tmp_path / "dest", base_url=url, checksums=None, timeout=10)
    assert "404" in str(info.value) and "base_url" in str(info.value)
    assert not list((tmp_path / "dest").glob("*.part"))


def test_download_unreachable_server(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(OSError, match=f"Could not download http://127.0.0.1:{port}/"):
        download_mnist(tmp_path, base_url=f"http://127.0.0.1:{port}/", timeout=2)


def test_download_from_file_url_and_directory(tmp_path: Path) -> None:
    root = tmp_path / "mirror"
    data = write_mnist(root, gz=True)
    download_mnist(tmp_path / "a", base_url=root.as_uri(), checksums=None)
    download_mnist(tmp_path / "b", base_url=root, checksums=None)
    for d in ("a", "b"):
        X, y = load_mnist(tmp_path / d, "test")
        np.testing.assert_array_equal(y, data["t10k"][1])
    with pytest.raises(ValueError, match="base_url must be a URL"):
        download_mnist(tmp_path / "c", base_url="no/such/dir")


def test_download_then_plain_files_also_load(tmp_path: Path) -> None:
    # A user who gunzips the files keeps a working directory.
    root = tmp_path / "mirror"
    write_mnist(root, gz=True)
    for name in MNIST_FILES:
        with gzip.open(root / name) as src, open(root / name[:-3], "wb") as dst:
            shutil.copyfileobj(src, dst)
        (root / name).unlink()
    assert load_mnist(root, "train")[0].shape == (N_TRAIN, 784)
