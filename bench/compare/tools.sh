# Sourced by bench/compare/run.sh and bench/edit-loop/run.sh: installs troposphere into
# bench/compare/.venv and the AWS CDK into bench/compare/cdk/node_modules, and sets `compare`
# to bench/compare. Needs Python 3 with venv and pip, Node.js with npm.
compare="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

echo "--- troposphere: virtual environment in bench/compare/.venv"
if [ ! -x "$compare/.venv/bin/python" ]; then
  python3 -m venv "$compare/.venv"
fi
"$compare/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$compare/requirements.txt"

echo "--- AWS CDK: npm ci in bench/compare/cdk"
(cd "$compare/cdk" && npm ci --no-audit --no-fund --loglevel=error)
