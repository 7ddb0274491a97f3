#!/usr/bin/env bash
# Times the edit-build-synth loop of a 20-resource stack with kumo (three variants), troposphere
# and the AWS CDK, and writes the table into the README (see edit_loop.py).
# Needs Rust, Python 3 with venv and pip, Node.js with npm. Usage: bench/edit-loop/run.sh [RUNS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=bench/compare/tools.sh
. "$root/bench/compare/tools.sh"

python3 "$here/edit_loop.py" \
  --python "$compare/.venv/bin/python" \
  --cdk-dir "$compare/cdk" \
  --readme "$root/README.md" \
  --runs "${1:-10}"
