#!/usr/bin/python3
"""Serial share of an innochain run, from a perf profile (docs/performance.md).

Records (or reads) a `perf record --call-graph dwarf` profile of a 1-thread run and
splits its samples into those inside a parallel region (a oneTBB parallel_for frame on
the stack, or update_workforce_serial, the 1-thread form of a parallel pass) and the
rest: code only the main thread runs at any thread count. By Amdahl's law the serial
share s bounds the 1 -> 2 thread speed-up at 1 / (s + (1 - s) / 2). Counting samples
rather than timing runs makes the figure usable on a machine shared with other jobs.

Usage:  benchmarks/serial_share.py [--binary build/innochain] [--scale 0.25] [--months N]
                                   [--frequency 500] [--data FILE] [--top 15]
        benchmarks/serial_share.py --data existing.perf.data     # only analyse
Needs perf (linux-perf) and a binary with symbols (the default Release build has them).
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

PARALLEL = re.compile(r"start_for<|work_balance|parallel_for|update_workforce_serial|update_staff_counts")


def record(args, data):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.join(tempfile.mkdtemp(), "run.h5")
    cmd = ["perf", "record", "-q", "-F", str(args.frequency), "--call-graph", "dwarf,16384", "-o", data,
           args.binary, "run", os.path.join(root, "scenarios", "guangdong_baseline.yaml"),
           "--set", f"world.scale={args.scale}", "--threads", "1", "-o", out, "--force", "-q"]
    if args.months:
        cmd += ["--months", str(args.months)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def samples(data):
    text = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym"], check=True, capture_output=True,
                          text=True).stdout
    frames = []
    for line in text.split("\n"):
        if not line.strip():
            if frames:
                yield frames
            frames = []
            continue
        parts = line.strip().split(None, 1)
        frames.append(parts[1] if len(parts) > 1 else "?")
    if frames:
        yield frames


def owner(frames):
    """The innermost innochain function of a sample (what the time is spent for)."""
    for f in frames:
        if "innochain::" in f and "Rng" not in f:
            name = re.sub(r"\(.*", "", f.replace("innochain::", "").replace("(anonymous namespace)::", ""))
            return name[:70]
    return "(outside innochain: start-up, libraries)"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build/innochain")
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--months", type=int, default=0)
    ap.add_argument("--frequency", type=int, default=500)
    ap.add_argument("--data", help="perf.data to analyse (recorded first if it does not exist)")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    data = args.data or os.path.join(tempfile.mkdtemp(), "perf.data")
    if not os.path.exists(data):
        record(args, data)
    total = parallel = 0
    serial = collections.Counter()
    for frames in samples(data):
        total += 1
        if any(PARALLEL.search(f) for f in frames):
            parallel += 1
        else:
            serial[owner(frames)] += 1
    if not total:
        sys.exit("no samples")
    s = (total - parallel) / total
    print(f"samples {total}: in parallel regions {100 * parallel / total:.1f} %, serial {100 * s:.1f} %")
    print(f"Amdahl bound on 2 threads: {1 / (s + (1 - s) / 2):.2f} x")
    print("serial samples by function (share of all samples):")
    for name, n in serial.most_common(args.top):
        print(f"  {100 * n / total:5.1f} %  {name}")


if __name__ == "__main__":
    main()
