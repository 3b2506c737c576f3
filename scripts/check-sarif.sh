#!/usr/bin/env bash
# Check wac-lint's SARIF with the Microsoft SARIF multitool's GitHub rules (`validate --rule-kind Gh` and `Ghas`).
#
# The multitool is an npm package (a .NET build, ~100 MB), too heavy for every CI run, so this script is the
# documented check: it installs `@microsoft/sarif-multitool` into a cache folder (needs npm and the npm registry)
# and runs tests/report/test_sarif.py with WAC_SARIF_MULTITOOL set, so that the SARIF of every fixture repo and the
# sample documents are also validated by the multitool (without it those tests are skipped; schema validation
# always runs).
#
# Usage: scripts/check-sarif.sh            (from the project root, after creating .venv as the README says)
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${WAC_TOOLS_DIR:-.venv/sarif-multitool}"
if [ ! -x "$tools/node_modules/.bin/sarif-multitool" ]; then
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --silent @microsoft/sarif-multitool@5
fi
export WAC_SARIF_MULTITOOL="$PWD/$tools/node_modules/.bin/sarif-multitool"
"$WAC_SARIF_MULTITOOL" --version
.venv/bin/python -m pytest -q tests/report/test_sarif.py -rs
