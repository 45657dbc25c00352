#!/usr/bin/python3
"""What shared spin-ups save in a paired comparison (docs/performance.md, docs/reliability.md).

Runs the README's paired comparison, a baseline sweep and a policy sweep with the same
replications, twice per round: each sweep made whole, and both with `--spin-up-cache` on an
empty cache directory (the baseline sweep makes the spin-ups, the policy sweep branches from
them). Rounds alternate the two ways so that a change of the machine's load hits both alike.
Prints a Markdown table of each sweep's wall time (every round), and checks that
`innochain compare` gives the same table both ways.

Usage:  benchmarks/shared_spin_up.py [--binary build/innochain] [--rounds 2] [--jobs 2]
            [--baseline scenarios/sweeps/report_guangdong_small.yaml]
            [--policy scenarios/sweeps/report_compute_voucher.yaml] [--set KEY=VALUE ...]
Needs only the Python standard library. Builds nothing.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sweep(args, sweep_file, out, cache):
    cmd = [args.binary, "sweep", sweep_file, "-o", out, "--jobs", str(args.jobs), "-q"]
    for s in args.set:
        cmd += ["--set", s]
    if cache:
        cmd += ["--spin-up-cache", cache]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def compare(args, base, policy):
    out = subprocess.run([args.binary, "compare", base, policy, "--format", "markdown"], check=True,
                         capture_output=True, text=True).stdout
    return "\n".join(out.splitlines()[1:])  # the first line names the directories


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", default=os.path.join(ROOT, "build", "innochain"))
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--baseline", default=os.path.join(ROOT, "scenarios", "sweeps", "report_guangdong_small.yaml"))
    p.add_argument("--policy", default=os.path.join(ROOT, "scenarios", "sweeps", "report_compute_voucher.yaml"))
    p.add_argument("--set", action="append", default=[], help="passed to both sweeps")
    args = p.parse_args()
    args.binary = os.path.abspath(args.binary)
    times = {"whole": ([], []), "cache": ([], [])}
    work = tempfile.mkdtemp(prefix="shared_spin_up.")
    try:
        for r in range(args.rounds):
            for way in ("whole", "cache"):
                d = os.path.join(work, f"{way}{r}")
                os.makedirs(d)
                cache = os.path.join(d, "spin_ups") if way == "cache" else None
                times[way][0].append(sweep(args, args.baseline, os.path.join(d, "base"), cache))
                times[way][1].append(sweep(args, args.policy, os.path.join(d, "policy"), cache))
                if way == "cache":
                    size = sum(os.path.getsize(os.path.join(cache, f)) for f in os.listdir(cache))
                    files = len(os.listdir(cache))
        same = compare(args, os.path.join(work, "whole0", "base"), os.path.join(work, "whole0", "policy")) == compare(
            args, os.path.join(work, "cache0", "base"), os.path.join(work, "cache0", "policy"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()[0]
    print(f"<!-- benchmarks/shared_spin_up.py: {os.cpu_count()} CPUs, load average {load:.1f} at the end, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, --jobs {args.jobs} -->")
    print()
    print(f"| {os.path.basename(args.baseline)} against {os.path.basename(args.policy)}, wall s per round "
          "| baseline sweep | policy sweep | both |")
    print("|---|---:|---:|---:|")
    for way, label in (("whole", "each run makes its spin-up"), ("cache", "`--spin-up-cache` (empty at the start)")):
        b, q = times[way]
        print(f"| {label} | {', '.join(f'{x:.2f}' for x in b)} | {', '.join(f'{x:.2f}' for x in q)} | "
              f"{', '.join(f'{x + y:.2f}' for x, y in zip(b, q))} |")
    print()
    print(f"The cache held {files} checkpoints, {size / 1e6:.1f} MB; `innochain compare` gives "
          f"{'the same table' if same else 'DIFFERENT tables'} both ways.")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
