#!/usr/bin/env bash
# Prepare the benchmark: a separate venv with the comparison tools, and source trees
# unpacked from pinned releases on PyPI. Safe to re-run; does nothing already done.
#
#   bash benchmarks/setup.sh            # from the repository root
#
# Everything goes under benchmarks/.work/ (gitignored). Needs python3 >= 3.11 (wac-lint's requires-python) and
# access to PyPI; wac-lint itself is installed (editable) from this checkout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
WORK="$HERE/.work"
VENV="$WORK/venv"
PY="${PYTHON:-python3}"

# Pinned so that every run measures the same code.
TRANSFORMERS_VERSION=5.23.0
MEGATRON_CORE_VERSION=0.16.1
SEMGREP_VERSION=1.180.0
BANDIT_VERSION=1.9.4
RUFF_VERSION=0.17.6
# Only for benchmarks/designs.py and benchmarks/diff_extractors.py (the libcst extractor it replaced).
LIBCST_VERSION=1.9.0

mkdir -p "$WORK/dist" "$WORK/src"

if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/pip" install -q -e "$ROOT" \
    "semgrep==$SEMGREP_VERSION" "bandit==$BANDIT_VERSION" "ruff==$RUFF_VERSION" "libcst==$LIBCST_VERSION"

# Sources, not installs: download the distribution files only (no dependencies) and unpack them.
fetch() {  # name version
    local name="$1" version="$2" dest="$WORK/src/$1-$2"
    if [ -d "$dest" ]; then return; fi
    "$VENV/bin/pip" download -q --no-deps --only-binary=:all: -d "$WORK/dist" "$name==$version" \
        || "$VENV/bin/pip" download -q --no-deps --no-binary=:all: -d "$WORK/dist" "$name==$version"
    local file
    file="$(ls "$WORK/dist" | grep -i "^${name//-/[-_]}-$version[-.]" | head -n1)"
    mkdir -p "$dest.tmp"
    case "$file" in
        *.whl) "$VENV/bin/python" -m zipfile -e "$WORK/dist/$file" "$dest.tmp" ;;
        *.tar.gz) tar -xzf "$WORK/dist/$file" -C "$dest.tmp" ;;
        *) echo "unexpected distribution file: $file" >&2; exit 1 ;;
    esac
    mv "$dest.tmp" "$dest"
}
fetch transformers "$TRANSFORMERS_VERSION"
fetch megatron-core "$MEGATRON_CORE_VERSION"

echo "benchmark ready: $VENV, sources under $WORK/src"
