"""mlpkit.datasets.files: reading --data never silently changes what the data means."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from mlpkit.datasets.files import (
    DataSpecError,
    load_builtin,
    load_data,
    split_builtin,
    takes_seed,
)


@contextlib.contextmanager
def exactly(kind, match):
    """pytest.raises, and the error is of exactly this type (not a subclass)."""
    with pytest.raises(kind, match=match) as info:
        yield info
    assert type(info.value) is kind, type(info.value)


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_blank_feature_cell_names_file_line_and_column(tmp_path):
    path = _write(tmp_path, "d.csv", "a,b,y\n1,2,0\n3,,1\n")
    with exactly(ValueError, match=r"d\.csv: line 3, column 'b' is empty"):
        load_data(path, "y", need_target=True)


def test_non_numeric_cell_in_a_headerless_file_names_the_column_number(tmp_path):
    path = _write(tmp_path, "d.csv", "1,2,0\n3,x,1\n")
    with exactly(ValueError, match=r"d\.csv: line 2, column 2 holds 'x'"):
        load_data(path, None, need_target=True)


def test_line_numbers_are_the_file_lines_even_after_blank_lines(tmp_path):
    path = _write(tmp_path, "d.csv", "a,b,y\n\n1,2,0\n\n\n3,oops,1\n")
    with exactly(ValueError, match=r"line 6, column 'b' holds 'oops'"):
        load_data(path, "y", need_target=True)


@pytest.mark.parametrize("cell", ["nan", "inf", "-Infinity"])
def test_nan_and_inf_name_file_line_and_column(tmp_path, cell):
    path = _write(tmp_path, "d.csv", f"a,b,y\n1,2,0\n3,{cell},1\n")
    with exactly(ValueError, match=r"d\.csv: line 3, column 'b' holds .*(nan|inf)") as e:
        load_data(path, "y", need_target=True)
    assert "NaN and infinite" in str(e.value)


def test_blank_target_is_an_error_not_a_class(tmp_path):
    path = _write(tmp_path, "d.csv", "a,label\n1,red\n2,\n3,blue\n4,red\n")
    with exactly(ValueError, match=r"line 3, column 'label' \(the target\) is empty"):
        load_data(path, "label", need_target=True)


def test_regression_target_with_one_blank_or_typo_is_refused(tmp_path):
    rows = "\n".join(f"{i},{100 + 3.5 * i}" for i in range(40))
    blank = _write(tmp_path, "blank.csv", "size,price\n" + rows + "\n41,\n")
    with exactly(ValueError, match=r"line 42, column 'price' \(the target\) is empty"):
        load_data(blank, "price", need_target=True)
    typo = _write(tmp_path, "typo.csv", "size,price\n" + rows + "\n41,n/a\n")
    with exactly(ValueError, match=r"line 42, column 'price'.*'n/a'") as e:
        load_data(typo, "price", need_target=True)
    assert "--task classification" in str(e.value)
    # Asked for, the same column is a set of labels.
    data = load_data(typo, "price", need_target=True, task="classification")
    assert data.y is not None and data.y.dtype.kind == "U" and "n/a" in data.y


def test_headerless_file_with_text_labels_keeps_its_first_row(tmp_path):
    path = _write(tmp_path, "iris.csv", "5.1,3.5,setosa\n4.9,3.0,setosa\n6.3,3.3,virginica\n")
    data = load_data(path, None, need_target=True)
    assert data.X.shape == (3, 2) and not data.named
    assert data.y is not None and data.y.tolist() == ["setosa", "setosa", "virginica"]


def test_header_over_labels_is_detected_and_can_be_overridden(tmp_path):
    # Only label columns: 'species' occurs nowhere below while the labels repeat.
    path = _write(tmp_path, "d.csv", "species,colour\nsetosa,red\nsetosa,blue\nvirginica,red\n")
    with exactly(ValueError, match=r"line 2, column 'colour' holds 'red'"):
        load_data(path, "species", need_target=True, task="classification")
    num = _write(tmp_path, "n.csv", "x,y\n1,2\n3,4\n")
    assert load_data(num, None, need_target=True).X.tolist() == [[1.0], [3.0]]
    # --no-header: line 1 is data, so its 'x' is a non-numeric cell
    with exactly(ValueError, match=r"line 1, column 1 holds 'x'"):
        load_data(num, None, need_target=True, header=False)


def test_ambiguous_first_line_asks_for_header_option(tmp_path):
    path = _write(tmp_path, "d.csv", "1,alpha\n2,beta\n3,gamma\n")
    with exactly(ValueError, match=r"--header or --no-header"):
        load_data(path, None, need_target=True)
    data = load_data(path, None, need_target=True, header=False, task="classification")
    assert data.y is not None and data.y.tolist() == ["alpha", "beta", "gamma"]


def test_whitespace_separated_text_file(tmp_path):
    path = tmp_path / "d.txt"
    np.savetxt(path, np.array([[1.0, 2.0, 0], [3.0, 4.0, 1]]))  # space-separated
    data = load_data(str(path), None, need_target=True)
    assert data.X.tolist() == [[1.0, 2.0], [3.0, 4.0]] and data.y.tolist() == [0, 1]


def test_model_columns_are_matched_by_name(tmp_path):
    path = _write(tmp_path, "d.csv", "b,id,a\n2,x7,1\n4,x8,3\n")
    data = load_data(path, None, need_target=False, model_features=["a", "b"])
    assert data.X.tolist() == [[1.0, 2.0], [3.0, 4.0]]  # reordered; the text id unused
    assert any("id" in n for n in data.notes)


def test_mismatching_names_are_refused_unless_by_position(tmp_path):
    path = _write(tmp_path, "houses.csv", "rooms,area\n3,70\n4,90\n")
    with exactly(ValueError, match=r"houses\.csv has no column 'sepal'.*--match-by-position"):
        load_data(path, None, need_target=False, model_features=["sepal", "petal"])
    data = load_data(
        path, None, need_target=False, model_features=["sepal", "petal"], match_by_position=True
    )
    assert data.X.tolist() == [[3.0, 70.0], [4.0, 90.0]]


def test_headerless_file_for_a_named_model_is_refused(tmp_path):
    path = _write(tmp_path, "d.csv", "3,70\n4,90\n")
    with exactly(ValueError, match=r"no column names.*\(sepal, petal\)"):
        load_data(path, None, need_target=False, model_features=["sepal", "petal"])


def test_npy_nan_names_row_and_column(tmp_path):
    arr = np.ones((4, 3))
    arr[2, 1] = np.nan
    np.save(tmp_path / "d.npy", arr)
    with exactly(ValueError, match=r"d\.npy: +row 2, column 1 holds nan"):
        load_data(str(tmp_path / "d.npy"), None, need_target=True)


def test_synthetic_builtins_follow_the_seed():
    assert takes_seed("rings") and not takes_seed("digits")
    a, b = load_builtin("rings", random_state=3), load_builtin("rings", random_state=3)
    c = load_builtin("rings", random_state=4)
    assert np.array_equal(a.X, b.X) and not np.array_equal(a.X, c.X)
    s1 = load_data("playground:spiral", None, need_target=True, random_state=1)
    s2 = load_data("playground:spiral", None, need_target=True, random_state=1)
    assert np.array_equal(s1.X, s2.X)


def test_unknown_names_are_spec_errors(tmp_path):
    assert split_builtin("mnist:/x") == ("mnist", "/x") and split_builtin("rings") is None
    with exactly(DataSpecError, match="unknown dataset 'nope'"):
        load_data("nope", None, need_target=True)
    path = _write(tmp_path, "d.csv", "a,b\n1,2\n")
    with exactly(DataSpecError, match="no column 'c'.*a, b"):
        load_data(path, "c", need_target=True)
