#!/usr/bin/python3
"""Whole-run benchmarks of innochain (docs/performance.md).

Runs an already built binary (default build/innochain; build it first with
scripts/build.sh or `cmake --build build --target innochain`) on the small and the
full-scale Guangdong scenarios at 1 and 2 threads, several times each, and prints
Markdown tables ready to paste into docs/performance.md:

  * wall time (median, min-max) including the HDF5 run file, user+sys CPU time,
    agent-months per second and its share of the machine's physical limit (~5e8/s),
    peak resident memory (from /usr/bin/time -v);
  * the speed-up from 1 to 2 threads;
  * where the time goes: setup, each phase of the month and output (the run file's
    seconds_* attributes, written by `innochain run`);
  * how time and memory scale with the number of agents (world.scale) and months.

Usage:  benchmarks/run.py [--binary build/innochain] [--repeats 5] [--full-repeats 3]
                          [--no-full] [--no-scaling] [--keep DIR]
                          [--scales 0.01,0.1,0.3,1,4] [--no-months]
Needs /usr/bin/time and python3-h5py, python3-yaml (Debian). Builds nothing.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import h5py
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMALL = os.path.join(ROOT, "scenarios", "guangdong_small.yaml")
FULL = os.path.join(ROOT, "scenarios", "guangdong_baseline.yaml")
# Physical limit of a 2-core machine for an agent-month that touches ~50 bytes and draws one
# Philox block: memory triad ~27-32 GB/s / 50 B and 2 x 2.9e8 Philox blocks/s both give ~5e8.
PHYSICAL_LIMIT = 5e8


def run_once(binary, scenario, threads, months, sets, workdir, tag):
    """One `innochain run`; returns a dict of measurements."""
    out = os.path.join(workdir, f"{tag}.h5")
    cmd = ["/usr/bin/time", "-v", binary, "run", scenario, "-q", "--force", "--threads", str(threads), "-o", out]
    if months:
        cmd += ["--months", str(months)]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"benchmark run failed ({' '.join(cmd)}):\n{proc.stderr}")
    tv = proc.stderr

    def field(label):
        m = re.search(re.escape(label) + r":\s*([0-9.]+)", tv)
        return float(m.group(1)) if m else float("nan")

    r = {
        "wall": wall,
        "cpu": field("User time (seconds)") + field("System time (seconds)"),
        "rss_mb": field("Maximum resident set size (kbytes)") / 1024.0,
        "timings": {},
    }
    with h5py.File(out, "r") as f:
        for k, v in f.attrs.items():
            if k.startswith("seconds_"):
                r["timings"][k[len("seconds_"):]] = float(v)
        r["run_seconds"] = float(f.attrs["wall_seconds"])
        r["months"] = int(f.attrs["months_completed"])
        sc = yaml.safe_load(f["scenario"][()].decode() if isinstance(f["scenario"][()], bytes) else f["scenario"][()])
        scale = float(sc["world"]["scale"])
        fixed = round(sc["agents"]["institutes"]["count"] * scale) + round(sc["agents"]["financiers"]["count"] * scale)
        people = f["series/people_in_province"][()]
        firms = f["series/enterprises_alive"][()].sum(axis=1)
        r["agent_months"] = float(people.sum() + firms.sum() + fixed * r["months"])
        r["agents_start"] = float(people[0] + firms[0] + fixed)
    os.remove(out)
    return r


def measure(binary, scenario, threads, repeats, workdir, months=None, sets=()):
    runs = [run_once(binary, scenario, threads, months, sets, workdir, f"run{k}") for k in range(repeats)]
    walls = [r["wall"] for r in runs]
    median_run = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    return {
        "runs": runs,
        "wall": statistics.median(walls),
        "wall_min": min(walls),
        "wall_max": max(walls),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "rss_mb": max(r["rss_mb"] for r in runs),
        "agent_months": runs[0]["agent_months"],
        "agents_start": runs[0]["agents_start"],
        "months": runs[0]["months"],
        "timings": median_run["timings"],
        "run_seconds": median_run["run_seconds"],
    }


def fmt_s(x):
    return f"{x:.3f}" if x < 1 else f"{x:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "innochain"))
    ap.add_argument("--repeats", type=int, default=7, help="runs per small-scale configuration (median)")
    ap.add_argument("--full-repeats", type=int, default=3, help="runs per full-scale configuration (median)")
    ap.add_argument("--no-full", action="store_true", help="skip the full-scale runs")
    ap.add_argument("--no-scaling", action="store_true", help="skip the scaling tables")
    ap.add_argument("--keep", help="directory for the run files (default: a temporary one, removed)")
    ap.add_argument("--scales", default="0.01,0.1,0.3,1",
                    help="world.scale values of the agents scaling table (e.g. 0.01,0.1,0.3,1,4)")
    ap.add_argument("--no-months", action="store_true", help="skip the months scaling table")
    a = ap.parse_args()
    if not os.access(a.binary, os.X_OK):
        sys.exit(f"{a.binary}: not an executable; build it first (scripts/build.sh)")
    workdir = a.keep or tempfile.mkdtemp(prefix="innochain-bench-")
    os.makedirs(workdir, exist_ok=True)
    version = subprocess.run([a.binary, "--version"], capture_output=True, text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"<!-- benchmarks/run.py: {version}, {os.cpu_count()} CPUs ({cpu}), "
          f"load average {os.getloadavg()[0]:.1f} at start, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} -->\n")

    configs = [("guangdong_small (1/100)", SMALL, a.repeats)]
    if not a.no_full:
        configs.append(("guangdong_baseline (full)", FULL, a.full_repeats))
    results = {}
    for name, path, reps in configs:
        for threads in (1, 2):
            results[(name, threads)] = measure(a.binary, path, threads, reps, workdir)
            print(f"<!-- measured {name} at {threads} thread(s) -->", file=sys.stderr)

    print("| scenario | threads | runs | wall s, median (min-max) | user+sys CPU s | agent-months/s | of ~5e8/s limit | peak RSS MiB | output share |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|")
    for (name, threads), r in results.items():
        rate = r["agent_months"] / r["wall"]
        out_share = r["timings"].get("output", float("nan")) / r["run_seconds"]
        print(f"| {name} | {threads} | {len(r['runs'])} | {fmt_s(r['wall'])} ({fmt_s(r['wall_min'])}-{fmt_s(r['wall_max'])}) "
              f"| {fmt_s(r['cpu'])} | {rate:.3g} | {100 * rate / PHYSICAL_LIMIT:.1f} % | {r['rss_mb']:.0f} | {100 * out_share:.1f} % |")
    print()
    print("| scenario | speed-up 1 -> 2 threads (median wall) | agent-months |")
    print("|---|---:|---:|")
    for name, _, _ in configs:
        r1, r2 = results[(name, 1)], results[(name, 2)]
        print(f"| {name} | {r1['wall'] / r2['wall']:.2f} x | {r1['agent_months']:.3g} |")
    print()

    # Where the time goes (median run; seconds inside `innochain run`, excluding process start).
    name = configs[-1][0]
    r1, r2 = results[(name, 1)], results[(name, 2)]
    print(f"Time by part, {name} (median run):\n")
    print("| part | 1 thread s | share | 2 threads s | share | speed-up |")
    print("|---|---:|---:|---:|---:|---:|")
    order = ["setup", "spin_up", "policies", "talent_market", "basic_research", "breakthrough", "progress", "transfer",
             "finance", "market", "entry", "stock_metrics", "output"]  # pipeline order (h5py lists attrs by name)
    parts = [p for p in order if p in r1["timings"]] + [p for p in r1["timings"] if p not in order]
    for part in parts:
        t1, t2 = r1["timings"][part], r2["timings"].get(part, float("nan"))
        print(f"| {part} | {t1:.3f} | {100 * t1 / r1['run_seconds']:.1f} % | {t2:.3f} | "
              f"{100 * t2 / r2['run_seconds']:.1f} % | {t1 / t2 if t2 > 0 else float('nan'):.2f} x |")
    print(f"| (run total) | {r1['run_seconds']:.3f} | | {r2['run_seconds']:.3f} | | {r1['run_seconds'] / r2['run_seconds']:.2f} x |")
    print()

    if not a.no_scaling:
        # Agents: world.scale from 1/100 to full (120 months); months: 30 to 120 at full scale.
        # CPU per agent-month: user+sys CPU of the whole process (setup and spin-up included) over the
        # recorded months' agent-months; memory per agent: peak RSS over the agents at month 0.
        print("Scaling with the number of agents (120 months, 2 threads, median of the runs):\n")
        print("| world.scale | agents at start | wall s | agent-months/s | CPU ns per agent-month | "
              "peak RSS MiB | peak RSS bytes per agent |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        scales = [float(x) for x in a.scales.split(",") if x.strip()]
        if a.no_full:
            scales = [x for x in scales if x < 1.0]
        for scale in scales:
            if scale == 0.01:
                r = results[(configs[0][0], 2)]
            elif scale == 1.0:
                r = results[(configs[-1][0], 2)]
            else:
                reps = max(1, a.full_repeats if scale <= 1.0 else 1)  # one run per scale above the province
                r = measure(a.binary, FULL, 2, reps, workdir, sets=[f"world.scale={scale}"])
            print(f"| {scale:g} | {r['agents_start']:.0f} | {fmt_s(r['wall'])} | {r['agent_months'] / r['wall']:.3g} | "
                  f"{1e9 * r['cpu'] / r['agent_months']:.0f} | {r['rss_mb']:.0f} | "
                  f"{r['rss_mb'] * 1048576 / r['agents_start']:.0f} |")
        print()
        if not a.no_full and not a.no_months:
            print("Scaling with the number of months (full scale, 2 threads):\n")
            print("| months | wall s | agent-months/s | peak RSS MiB |")
            print("|---:|---:|---:|---:|")
            for months in (30, 60, 120):
                r = results[(configs[-1][0], 2)] if months == 120 else measure(
                    a.binary, FULL, 2, max(1, a.full_repeats), workdir, months=months)
                print(f"| {months} | {fmt_s(r['wall'])} | {r['agent_months'] / r['wall']:.3g} | {r['rss_mb']:.0f} |")
            print()
    if not a.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
