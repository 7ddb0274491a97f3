"""Times kumo, troposphere and `cdk synth` on the same templates, run by run in turn (see run.sh).

Two workloads: the 500-resource template (all three tools), and the same template with a `Stage`
parameter, a `Ref` tag and an `Fn::Sub` with a variable map (kumo and troposphere). Each round
runs every tool once, in an order that rotates from round to round, so that a change of machine
load lands on every tool alike. For each tool it reports the medians of wall time, CPU time (user
plus system, from the child's resource usage) and peak memory, and the paired ratios: the median
over rounds of the tool's wall time divided by kumo's in the same round, for kumo's stack binary
and for the same binary built without kumo-cli's `deploy` feature (no AWS SDK in it).
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIME = Path("/usr/bin/time")
# How many runs of each tool measure its peak memory.
MEMORY_RUNS = 3
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


class Tool:
    """One tool's command on one workload, and where it writes its template."""

    def __init__(self, name, command, cwd=None, output=None):
        self.name = name
        self.command = command
        self.cwd = cwd
        # The file the template is written to; None when it is printed on standard output.
        self.output = output

    def template(self):
        """The template this tool builds."""
        printed = subprocess.run(self.command, cwd=self.cwd, check=True, capture_output=True)
        if self.output is None:
            return json.loads(printed.stdout)
        return json.loads(Path(self.output).read_text())

    def run(self):
        """One run: wall time and CPU time (user + system) in seconds."""
        start = time.perf_counter()
        child = subprocess.Popen(
            self.command, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            sys.exit(f"error: {self.name} exited with {code}")
        return wall, usage.ru_utime + usage.ru_stime

    def peak_memory(self):
        """Peak resident memory in MiB of one run, by GNU time: a small parent, so the count is
        the command's own and not that of the copy of this Python process it started as (which
        the child's own resource usage would include)."""
        with tempfile.NamedTemporaryFile("r") as report:
            subprocess.run(
                [str(TIME), "-f", "%M", "-o", report.name, *self.command],
                cwd=self.cwd,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            return int(report.read().split()[-1]) / 1024


def check_equivalent(tools, resources):
    """Exits unless every tool builds the same template as the first (kumo)."""
    reference = normalise(tools[0].template())
    assert len(reference["Resources"]) == resources, len(reference["Resources"])
    for tool in tools[1:]:
        if normalise(tool.template()) != reference:
            sys.exit(f"error: the {tool.name} template differs from kumo's")


def measure(tools, runs):
    """`runs` rounds after a warm-up round; each round runs every tool once, rotating the order.
    Then each tool's peak memory, in MEMORY_RUNS runs (memory does not depend on the machine's
    load). Returns, per tool, its lists of wall times, CPU times and peak memory."""
    for tool in tools:
        tool.run()
    results = {tool.name: ([], [], []) for tool in tools}
    for round_ in range(runs):
        shift = round_ % len(tools)
        for tool in tools[shift:] + tools[:shift]:
            wall, cpu = tool.run()
            results[tool.name][0].append(wall)
            results[tool.name][1].append(cpu)
    for tool in tools:
        results[tool.name][2].extend(tool.peak_memory() for _ in range(MEMORY_RUNS))
    return results


def rows(tools, results):
    """Per tool: name, median wall, median CPU, median memory, and its paired ratios to the
    first two tools (kumo's two binaries)."""
    table = []
    for tool in tools:
        wall, cpu, memory = results[tool.name]
        ratios = [
            statistics.median(w / k for w, k in zip(wall, results[kumo.name][0]))
            for kumo in tools[:2]
        ]
        table.append(
            (tool.name, statistics.median(wall), statistics.median(cpu), statistics.median(memory), ratios)
        )
    return table


def cpu_model():
    """The processor's model name, as Linux gives it; else the architecture."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine():
    """The machine, as the tables name it: processor, cores, system."""
    return f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}"


def write_table(readme, begin, end, lines):
    """Replaces what stands between the markers `begin` and `end` of `readme` with `lines`."""
    readme = Path(readme)
    text = readme.read_text()
    start, stop = text.index(begin), text.index(end) + len(end)
    readme.write_text(text[:start] + "\n".join([begin, *lines, end]) + text[stop:])
    print(f"wrote the table into {readme}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kumo", required=True, help="the bench-500 binary")
    parser.add_argument("--kumo-parameter", required=True, help="the bench-500-parameter binary")
    parser.add_argument("--kumo-synth-only", required=True, help="bench-500 without `deploy`")
    parser.add_argument(
        "--kumo-parameter-synth-only", required=True, help="bench-500-parameter without `deploy`"
    )
    parser.add_argument("--python", required=True)
    parser.add_argument("--cdk-dir", help="where `npm ci` installed the CDK; left out, so is the CDK")
    parser.add_argument("--readme", help="write the table into this README")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    if not TIME.exists():
        sys.exit("error: GNU time is needed for peak memory: install it (Debian: apt-get install time)")

    script = str(HERE / "troposphere_500.py")
    plain = [
        Tool("kumo (`bench-500 synth`)", [args.kumo, "synth"]),
        Tool("kumo without `deploy`", [args.kumo_synth_only, "synth"]),
        Tool("troposphere", [args.python, script]),
    ]
    if args.cdk_dir:
        cdk_dir = Path(args.cdk_dir).resolve()
        plain.append(
            Tool(
                "AWS CDK (`cdk synth`)",
                [str(cdk_dir / "node_modules" / ".bin" / "cdk"), "synth", "--quiet"],
                cwd=cdk_dir,
                output=cdk_dir / "cdk.out" / "Bench500.template.json",
            )
        )
    parameter = [
        Tool("kumo (`bench-500-parameter synth`)", [args.kumo_parameter, "synth"]),
        Tool("kumo without `deploy`", [args.kumo_parameter_synth_only, "synth"]),
        Tool("troposphere (`--parameter`)", [args.python, script, "--parameter"]),
    ]
    workloads = [("500 resources", plain), ("500 resources, a parameter, `Ref` tags, `Fn::Sub` maps", parameter)]

    for title, tools in workloads:
        check_equivalent(tools, 500)
        print(f"{title}: the {len(tools)} templates are equivalent")

    table = [
        f"Medians of {args.runs} rounds ({machine()}), peak memory of {MEMORY_RUNS} runs; a ratio is",
        "the median over rounds of the tool's wall time divided by kumo's in the same round: kumo's",
        "stack binary, and the same binary built without kumo-cli's `deploy` feature.",
        "",
        "| workload | tool | wall time | CPU time | peak memory | ratio to kumo | ratio to kumo without `deploy` |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for title, tools in workloads:
        for name, wall, cpu, memory, (ratio, lean) in rows(tools, measure(tools, args.runs)):
            print(f"{title}: {name}: {wall * 1000:.1f} ms wall, {cpu * 1000:.1f} ms CPU, "
                  f"{memory:.1f} MiB, {ratio:.2f}x, {lean:.2f}x")
            table.append(
                f"| {title} | {name} | {wall * 1000:.1f} ms | {cpu * 1000:.1f} ms | "
                f"{memory:.1f} MiB | {ratio:.2f}x | {lean:.2f}x |"
            )
    if args.readme:
        write_table(args.readme, BEGIN, END, table)


if __name__ == "__main__":
    main()
