"""Times the edit-build-synth loop of a 20-resource stack with kumo, troposphere and the AWS CDK.

Each tool gets the first 20 resources of the synthesis benchmark (`bench/compare/`): five
quartets of a bucket, a dead-letter queue, a queue and a role, and two exported outputs. kumo's
is a stack crate of its own (`src/main.rs` with the same code as `examples/src/bench_500.rs`,
the dependencies on this checkout by path), in three variants: the dev profile and build script
`kumo new` writes, Cargo's default dev profile and no build script (a crate written by hand),
and `kumo-cli` without its `deploy` feature (with `kumo new`'s profile and build script). troposphere's
is `troposphere_500.py`, the CDK's `app.js` (JavaScript: no compile step), both cut to 20.

A round edits one line of each tool's source (the `team` tag of every bucket, to a value it has
not had) and times what a user then waits for: for kumo `cargo build` and then the binary's
`synth`, for troposphere the script, for the CDK `cdk synth`. Tools take turns in an order that
rotates from round to round. The templates are checked to be the same first.

Usage: python3 edit_loop.py --python VENV_PYTHON --cdk-dir bench/compare/cdk [--runs N]
       [--readme README.md]  (bench/edit-loop/run.sh sets these up)
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
COMPARE = ROOT / "bench" / "compare"
sys.path.insert(0, str(COMPARE))
from compare import machine, normalise, write_table  # noqa: E402

GROUPS = 5
OUTPUTS = 2
RESOURCES = 4 * GROUPS
BEGIN = "<!-- edit-loop:begin -->"
END = "<!-- edit-loop:end -->"
# The build script `kumo new` writes.
BUILD_SCRIPT = ROOT / "kumo-cli" / "src" / "build.rs.in"
# The dev profile `kumo new` writes (kumo-cli/src/manifest.rs).
LEAN_PROFILE = """
[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
"""


def timed(command, cwd, stdout=subprocess.DEVNULL):
    """Runs `command` in `cwd`; returns its wall time in seconds, exiting on failure."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(map(str, command))} failed:\n{done.stderr.decode()}")
    return wall


class Tool:
    """One tool's project in the work directory: the file a round edits and how to rebuild."""

    def __init__(self, name, source, steps, template):
        self.name = name
        self.source = source
        # (label, command, cwd) run in turn after each edit.
        self.steps = steps
        # A function returning the template this tool builds now.
        self.template = template
        self.text = source.read_text()
        assert self.text.count('"bench"') == 1, f"{source}: one `\"bench\"` tag to edit"

    def edit(self, value):
        """Sets the `team` tag to `value`."""
        self.source.write_text(self.text.replace('"bench"', json.dumps(value)))

    def run(self):
        """One pass of the steps: their wall times."""
        return [timed(command, cwd) for _, command, cwd in self.steps]


def kumo_crate(work, name, cli, written_by_kumo_new, target):
    """A stack crate named `name` in `work` with `cli` as its kumo-cli dependency, and the dev
    profile and build script `kumo new` writes if `written_by_kumo_new`."""
    crate = work / name
    (crate / "src").mkdir(parents=True, exist_ok=True)
    build_script = crate / "build.rs"
    if written_by_kumo_new:
        build_script.write_text(BUILD_SCRIPT.read_text())
    elif build_script.exists():
        build_script.unlink()
    profile = LEAN_PROFILE if written_by_kumo_new else ""
    source = (ROOT / "examples" / "src" / "bench_500.rs").read_text()
    source = re.sub(r"pub const RESOURCES: usize = \d+;", f"pub const RESOURCES: usize = {RESOURCES};", source)
    source = re.sub(r"pub const OUTPUTS: usize = \d+;", f"pub const OUTPUTS: usize = {OUTPUTS};", source)
    source += "\nfn main() -> std::process::ExitCode {\n    kumo_cli::run(Bench500)\n}\n"
    (crate / "src" / "main.rs").write_text(source)
    (crate / "Cargo.toml").write_text(
        f"""[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
kumo-core = {{ path = "{ROOT / 'kumo-core'}" }}
kumo-cli = {{ {cli} }}
{profile}
[workspace]
"""
    )
    binary = target / "debug" / name
    env_target = ["--target-dir", str(target)]
    steps = [
        ("build", ["cargo", "build", "--quiet", *env_target], crate),
        ("synth", [str(binary), "synth"], crate),
    ]

    def template():
        return json.loads(subprocess.run([binary, "synth"], cwd=crate, check=True, capture_output=True).stdout)

    return Tool(name, crate / "src" / "main.rs", steps, template)


def troposphere(work, python):
    script = work / "troposphere_20.py"
    text = (COMPARE / "troposphere_500.py").read_text()
    text = text.replace("GROUPS = 125", f"GROUPS = {GROUPS}").replace("OUTPUTS = 50", f"OUTPUTS = {OUTPUTS}")
    script.write_text(text)

    def template():
        return json.loads(subprocess.run([python, script], check=True, capture_output=True).stdout)

    return Tool("troposphere", script, [("run", [python, str(script)], work)], template)


def cdk(work, cdk_dir):
    app = work / "cdk"
    app.mkdir(exist_ok=True)
    shutil.copy(cdk_dir / "cdk.json", app / "cdk.json")
    text = (cdk_dir / "app.js").read_text()
    text = text.replace("const GROUPS = 125;", f"const GROUPS = {GROUPS};")
    text = text.replace("const OUTPUTS = 50;", f"const OUTPUTS = {OUTPUTS};")
    (app / "app.js").write_text(text)
    modules = app / "node_modules"
    if not modules.exists():
        modules.symlink_to(cdk_dir / "node_modules")
    command = [str(cdk_dir / "node_modules" / ".bin" / "cdk"), "synth", "--quiet"]

    def template():
        subprocess.run(command, cwd=app, check=True, capture_output=True)
        return json.loads((app / "cdk.out" / "Bench500.template.json").read_text())

    return Tool("AWS CDK", app / "app.js", [("synth", command, app)], template)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", required=True, help="a Python with troposphere")
    parser.add_argument("--cdk-dir", required=True, help="where `npm ci` installed the CDK")
    parser.add_argument("--work", default=str(HERE / "work"), help="where the projects are written")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--readme", help="write the table into this README")
    args = parser.parse_args()
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    target = work / "target"
    cli = f'path = "{ROOT / "kumo-cli"}"'
    tools = [
        kumo_crate(work, "loop-lean", cli, True, target),
        kumo_crate(work, "loop-default-profile", cli, False, target),
        kumo_crate(work, "loop-synth-only", cli + ", default-features = false", True, target),
        troposphere(work, args.python),
        cdk(work, Path(args.cdk_dir).resolve()),
    ]
    names = {
        "loop-lean": "kumo (`kumo new`'s dev profile and build script)",
        "loop-default-profile": "kumo (Cargo's default dev profile, no build script)",
        "loop-synth-only": "kumo without `deploy` (`kumo new`'s profile and build script)",
    }

    print("--- first builds and the templates")
    for tool in tools:
        tool.edit("bench")
        tool.run()
    reference = normalise(tools[0].template())
    assert len(reference["Resources"]) == RESOURCES, len(reference["Resources"])
    for tool in tools[1:]:
        if normalise(tool.template()) != reference:
            sys.exit(f"error: the {tool.name} template differs from kumo's")
    print(f"the {len(tools)} templates are equivalent ({RESOURCES} resources)")

    times = {tool.name: [] for tool in tools}
    for round_ in range(args.runs):
        shift = round_ % len(tools)
        for tool in tools[shift:] + tools[:shift]:
            tool.edit(f"bench-{round_}")
            times[tool.name].append(tool.run())
    for tool in tools:
        tool.edit("bench")

    table = [
        f"Medians of {args.runs} rounds ({machine()}); one line of the stack's source edited per",
        "round, then the tool run until the template is written (`bench/edit-loop/run.sh`).",
        "",
        "| tool | build | synth | edit to template |",
        "| --- | --- | --- | --- |",
    ]
    for tool in tools:
        rounds = times[tool.name]
        total = statistics.median(sum(r) for r in rounds)
        label = names.get(tool.name, tool.name)
        if len(tool.steps) == 2:
            build = f"{statistics.median(r[0] for r in rounds):.2f} s"
            synth = f"{statistics.median(r[1] for r in rounds) * 1000:.0f} ms"
        else:
            build, synth = "(none)", f"{total * 1000:.0f} ms"
        print(f"{label}: build {build}, synth {synth}, loop {total:.2f} s")
        table.append(f"| {label} | {build} | {synth} | {total:.2f} s |")
    if args.readme:
        write_table(args.readme, BEGIN, END, table)


if __name__ == "__main__":
    main()
