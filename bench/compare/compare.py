"""Times kumo, troposphere and `cdk synth` on the same 500-resource template (see run.sh)."""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
# What the CDK adds of its own, which the other two do not write.
CDK_ONLY = {"Parameters": ["BootstrapVersion"], "Conditions": ["CDKMetadataAvailable"]}


def normalise(template):
    """The template without what only one tool writes: the format version, CDK metadata."""
    t = dict(template)
    t.pop("AWSTemplateFormatVersion", None)
    t.pop("Rules", None)
    for section, names in CDK_ONLY.items():
        entries = {k: v for k, v in t.get(section, {}).items() if k not in names}
        if entries:
            t[section] = entries
        else:
            t.pop(section, None)
    resources = {}
    for name, resource in t["Resources"].items():
        if resource["Type"] == "AWS::CDK::Metadata":
            continue
        resource = {k: v for k, v in resource.items() if k != "Metadata"}
        resources[name] = resource
    t["Resources"] = resources
    return t


TIME = Path("/usr/bin/time")


def wall(command, cwd=None):
    """Wall time in seconds of one run of `command`."""
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def peak_memory(command, cwd=None):
    """Peak resident memory in MiB of one run of `command`, by GNU time: a small parent, so the
    count is the command's own and not a copy of this Python process."""
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run(
            [str(TIME), "-f", "%M", "-o", report.name, *command],
            cwd=cwd,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return int(report.read().split()[-1]) / 1024


def measure(command, runs, cwd=None):
    """Medians of `runs` runs of wall time and of peak memory, after a warm-up run."""
    wall(command, cwd)
    times = [wall(command, cwd) for _ in range(runs)]
    memory = [peak_memory(command, cwd) for _ in range(runs)]
    return statistics.median(times), statistics.median(memory)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kumo", required=True)
    parser.add_argument("--python", required=True)
    parser.add_argument("--cdk-dir", required=True)
    parser.add_argument("--readme", required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    if not TIME.exists():
        sys.exit("error: GNU time is needed for peak memory: install it (Debian: apt-get install time)")
    cdk_dir = Path(args.cdk_dir)
    cdk = [str(cdk_dir / "node_modules" / ".bin" / "cdk"), "synth", "--quiet"]
    tools = {
        "kumo (`bench-500 synth`)": ([args.kumo, "synth"], None),
        "troposphere": ([args.python, str(HERE / "troposphere_500.py")], None),
        "AWS CDK (`cdk synth`)": (cdk, cdk_dir),
    }

    templates = {}
    with tempfile.TemporaryDirectory() as out:
        for name, (command, cwd) in list(tools.items())[:2]:
            path = Path(out) / "template.json"
            with open(path, "w") as sink:
                subprocess.run(command, cwd=cwd, stdout=sink, check=True)
            templates[name] = json.loads(path.read_text())
    subprocess.run(cdk, cwd=cdk_dir, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    templates["AWS CDK (`cdk synth`)"] = json.loads((cdk_dir / "cdk.out" / "Bench500.template.json").read_text())

    reference = normalise(templates["kumo (`bench-500 synth`)"])
    assert len(reference["Resources"]) == 500, len(reference["Resources"])
    for name, template in templates.items():
        if normalise(template) != reference:
            sys.exit(f"error: the {name} template differs from kumo's")
    print("the three templates are equivalent: 500 resources, 50 exported outputs")

    rows = []
    for name, (command, cwd) in tools.items():
        wall, memory = measure(command, args.runs, cwd)
        rows.append((name, wall, memory))
        print(f"{name}: {wall * 1000:.1f} ms, {memory:.1f} MiB")
    kumo_wall = rows[0][1]
    table = [
        BEGIN,
        f"| tool | wall time (median of {args.runs}) | peak memory (median) | vs kumo |",
        "| --- | --- | --- | --- |",
    ]
    for name, wall, memory in rows:
        table.append(f"| {name} | {wall * 1000:.1f} ms | {memory:.1f} MiB | {wall / kumo_wall:.0f}x |")
    table.append(END)
    readme = Path(args.readme)
    text = readme.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    readme.write_text(text[:start] + "\n".join(table) + text[end:])
    print(f"wrote the table into {readme}")


if __name__ == "__main__":
    main()
