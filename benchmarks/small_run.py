#!/usr/bin/python3
"""Fixed cost of a small run (docs/performance.md, "Fixed cost of a small run").

A 1/100-scale run (scenarios/guangdong_small.yaml, 120 months) spends a large share of its
wall time on things that do not grow with the model: starting the process (the dynamic
loader maps and relocates every shared library the binary needs), creating the HDF5 run
file, finishing it (the summary, the final attributes, closing and renaming) and exiting.
This script measures them on an already built binary and prints a Markdown table of medians
(min-max) ready to paste into docs/performance.md:

  * shared objects the binary loads at start-up (LD_TRACE_LOADED_OBJECTS, as ldd);
  * `innochain --version`: the wall time of a process that only starts and exits;
  * the small run: the process's wall time; inside it, setup, the month phases, output
    (of which: creating the file) and finishing the file, from `innochain run --timings`
    (a binary older than the "file create" / "file finish" lines reports only "output");
    and the rest (start-up, reading the scenario, exit): process wall - run wall.

Usage:  benchmarks/small_run.py [--binary build/innochain [--binary OTHER ...]] [--repeats 11] [--threads 2]
                                [--scenario scenarios/guangdong_small.yaml] [--set KEY=VALUE ...]
Needs only the Python standard library. Builds nothing.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMALL = os.path.join(ROOT, "scenarios", "guangdong_small.yaml")


def loaded_objects(binary):
    env = dict(os.environ, LD_TRACE_LOADED_OBJECTS="1")
    out = subprocess.run([binary], env=env, capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def wall_of(cmd):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"failed ({' '.join(cmd)}):\n{proc.stderr}")
    return wall, proc.stderr


def parse_timings(text):
    """`innochain run --timings` lines: 'NAME seconds share' and 'wall seconds'."""
    parts = {}
    for line in text.splitlines():
        m = re.match(r"^\s*(\S.*?)\s+([0-9.]+)(\s+[0-9.]+%)?\s*$", line)
        if m and m.group(1) != "part":
            parts[m.group(1).strip()] = float(m.group(2))
    return parts


def summary(values):
    values = list(values)
    return statistics.median(values), min(values), max(values)


def fmt_ms(stats):
    med, lo, hi = stats
    return f"{1000 * med:.1f} ({1000 * lo:.1f}-{1000 * hi:.1f})"


def measure_rows(binary, startup, runs):
    """The table's rows for one binary: (name, value) pairs."""
    # `innochain run --timings` prints the run's wall time up to the end of finishing the file.
    has_finish = all("file finish" in t for t in runs)
    finish = lambda t: t.get("file finish", 0.0)  # noqa: E731
    phases = lambda t: t["wall"] - t.get("setup", 0) - t.get("spin_up", 0) - t.get("output", 0) - finish(t)  # noqa: E731
    rest = lambda t: t["process"] - t["wall"]  # noqa: E731
    rows = [
        ("shared objects loaded at start-up", f"{len(loaded_objects(binary))}"),
        ("`innochain --version` (start + exit), ms", fmt_ms(summary(startup))),
        ("small run, process wall, ms", fmt_ms(summary(t["process"] for t in runs))),
        ("... setup (building the population), ms", fmt_ms(summary(t["setup"] for t in runs))),
        ("... spin-up (the months before month 0), ms", fmt_ms(summary(t.get("spin_up", 0.0) for t in runs))),
        ("... month phases, ms", fmt_ms(summary(phases(t) for t in runs)) + ("" if has_finish else " (a)")),
        ("... output (series, events, snapshots), ms", fmt_ms(summary(t["output"] for t in runs))),
        ("...... of which creating the run file, ms",
         fmt_ms(summary(t["file create"] for t in runs)) if has_finish else "-"),
        ("... finishing the run file, ms", fmt_ms(summary(finish(t) for t in runs)) if has_finish else "(a)"),
        ("... rest (start-up, scenario, exit), ms", fmt_ms(summary(rest(t) for t in runs))),
    ]
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", action="append",
                    help="binary to measure (default build/innochain); give it twice or more to compare "
                         "binaries, measured in turns so that they share the machine's load")
    ap.add_argument("--repeats", type=int, default=11, help="runs of each measurement (median)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--scenario", default=SMALL)
    ap.add_argument("--set", action="append", default=[], help="scenario override, as for innochain run")
    a = ap.parse_args()
    binaries = a.binary or [os.path.join(ROOT, "build", "innochain")]
    for b in binaries:
        if not os.access(b, os.X_OK):
            sys.exit(f"{b}: not an executable; build it first (scripts/build.sh)")
    print(f"<!-- benchmarks/small_run.py: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} -->\n")
    startup = {b: [] for b in binaries}
    runs = {b: [] for b in binaries}
    with tempfile.TemporaryDirectory(prefix="innochain-small-") as work:
        out = os.path.join(work, "small.h5")
        for _ in range(a.repeats):
            for b in binaries:  # in turns: a change of the machine's load hits every binary alike
                startup[b].append(wall_of([b, "--version"])[0])
                cmd = [b, "run", a.scenario, "-q", "--force", "--timings", "--threads", str(a.threads), "-o", out]
                for s in a.set:
                    cmd += ["--set", s]
                wall, err = wall_of(cmd)
                t = parse_timings(err)
                t["process"] = wall
                runs[b].append(t)
    table = {b: measure_rows(b, startup[b], runs[b]) for b in binaries}
    header = f"{os.path.basename(a.scenario)}, {a.threads} thread(s), {a.repeats} runs: median (min-max)"
    print(f"| {header} | " + " | ".join(f"`{b}`" for b in binaries) + " |")
    print("|---|" + "---:|" * len(binaries))
    for k, (name, _) in enumerate(table[binaries[0]]):
        print(f"| {name} | " + " | ".join(table[b][k][1] for b in binaries) + " |")
    if any("(a)" in v for b in binaries for _, v in table[b]):
        print("\n(a) a binary without the `file create` / `file finish` lines of `--timings`: finishing the "
              "run file is counted in its month phases.")


if __name__ == "__main__":
    main()
