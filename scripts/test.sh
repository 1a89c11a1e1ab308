#!/usr/bin/env bash
# Install mlpkit with everything its tests need, then lint, type-check and run the tests.
#
#   bash scripts/test.sh            # the README's test command; .ci/run calls exactly this
#   bash scripts/test.sh -k onnx    # extra arguments go to pytest
#
# Everything is installed here, on a clean machine: a virtual environment in .venv with
# the package and its [test] extra (torch==2.13.0 CPU, onnx, onnxruntime, playwright...),
# and Debian's chromium for the browser test (never `playwright install`: it downloads).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

if ! command -v chromium >/dev/null 2>&1; then
    echo "== installing Debian's chromium for the browser tests"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
echo "== installing mlpkit[test]"
# (This machine's pip config names index folders that may not exist: drop those warnings.)
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[test]" \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)

# One BLAS thread: on 2 cores OpenBLAS's threading made small networks 10-25x slower.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 MPLBACKEND=Agg
# scikit-learn's array-API estimator check needs SciPy in array-API mode (else it skips).
export SCIPY_ARRAY_API=1

echo "== ruff"
"$VENV/bin/ruff" check src tests benchmarks docs
"$VENV/bin/ruff" format --check --quiet src tests benchmarks docs
echo "== mypy"
"$VENV/bin/mypy" src/mlpkit
echo "== pytest"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider --durations=15 "$@"
