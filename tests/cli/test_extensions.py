"""Commands from other modules register through mlpkit.cli.EXTENSIONS."""

from __future__ import annotations

import mlpkit.cli

from .conftest import one_line_error


def _package(root, name: str, cli_source: str) -> None:
    pkg = root / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "cli.py").write_text(cli_source)


GOOD = """
def add_parser(subparsers):
    p = subparsers.add_parser("hello", help="say hello")
    p.add_argument("--name", default="world")

def run(args):
    print(f"hello {args.name}")
    return 0
"""


def test_extension_registers_with_add_parser_and_run(cli, tmp_path, monkeypatch):
    _package(tmp_path, "mlpkit_ext_good", GOOD)
    _package(tmp_path, "mlpkit_ext_broken", "import mlpkit_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    names = ("mlpkit_ext_good.cli", "mlpkit_ext_absent.cli", "mlpkit_ext_broken.cli")
    monkeypatch.setattr(mlpkit.cli, "EXTENSIONS", names)
    r = cli("hello", "--name", "lecture", cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "hello lecture\n")
    # An absent extension is skipped; the built-in commands still work.
    assert cli("datasets", cwd=tmp_path).stdout.startswith("banana")
    r = cli("mlpkit_ext_absent", cwd=tmp_path)
    one_line_error(r, 2, "invalid choice: 'mlpkit_ext_absent'")
    # An installed one missing a dependency says so when called, and only then.
    r = cli("mlpkit_ext_broken", cwd=tmp_path)
    one_line_error(r, 1, "`mlpkit mlpkit_ext_broken` is unavailable", "mlpkit_no_such_dependency")
