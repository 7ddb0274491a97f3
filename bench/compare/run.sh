#!/usr/bin/env bash
# Builds the same 500-resource template with kumo (a stack binary, and one built without
# kumo-cli's `deploy` feature), troposphere and the AWS CDK, and the second workload (a parameter, `Ref` tags, `Fn::Sub` maps) with kumo and troposphere; checks that each
# workload's templates are equivalent, times the whole processes in turn, round by round, and
# writes the table into the README (see compare.py).
# Needs Rust, Python 3 with venv and pip, Node.js with npm. Usage: bench/compare/run.sh [RUNS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

target_dir="$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
echo "--- kumo without the deploy feature: cargo build --release --no-default-features"
cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p kumo-examples \
  --no-default-features --bin bench-500 --bin bench-500-parameter
for bin in bench-500 bench-500-parameter; do
  cp "$target_dir/release/$bin" "$target_dir/release/$bin-synth-only"
done
echo "--- kumo: cargo build --release --bin bench-500 --bin bench-500-parameter"
cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p kumo-examples \
  --bin bench-500 --bin bench-500-parameter

# shellcheck source=bench/compare/tools.sh
. "$here/tools.sh"

python3 "$here/compare.py" \
  --kumo "$target_dir/release/bench-500" \
  --kumo-parameter "$target_dir/release/bench-500-parameter" \
  --kumo-synth-only "$target_dir/release/bench-500-synth-only" \
  --kumo-parameter-synth-only "$target_dir/release/bench-500-parameter-synth-only" \
  --python "$here/.venv/bin/python" \
  --cdk-dir "$here/cdk" \
  --readme "$root/README.md" \
  --runs "${1:-10}"
