"""Run replications of a scenario with the built `innochain` binary and collect their moments."""

from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
import subprocess
import tempfile

from .moments import OUTPUT_SETTINGS, run_moments


def run_one(binary: str, scenario: str, replication: int, sets: list[str], out_dir: str,
            threads: int = 1, keep: bool = False, months: int | None = None) -> dict:
    """One run of `scenario` (replication k) with --set overrides; returns its moments (and the
    file's path under key "path" when keep=True)."""
    path = os.path.join(out_dir, f"rep{replication:03d}.h5")
    cmd = [binary, "run", scenario, "-o", path, "--force", "--replication", str(replication),
           "--threads", str(threads), "--quiet"]
    if months is not None:
        cmd += ["--months", str(months)]
    for s in OUTPUT_SETTINGS + list(sets):
        cmd += ["--set", s]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr.strip()}")
    m = run_moments(path)
    m["replication"] = replication
    if keep:
        m["path"] = path
    else:
        os.remove(path)
    return m


def run_replications(binary: str, scenario: str, replications, sets=(), jobs: int = 2,
                     threads: int = 1, out_dir: str | None = None, keep=(), months: int | None = None) -> list[dict]:
    """Moments of replications `replications` (an iterable of k), `jobs` runs at a time.
    Files of replications in `keep` are kept in out_dir."""
    own = out_dir is None
    tmp = tempfile.mkdtemp(prefix="innochain-val-") if own else out_dir
    os.makedirs(tmp, exist_ok=True)
    keep = set(keep)
    try:
        with cf.ThreadPoolExecutor(max_workers=jobs) as ex:
            futs = [ex.submit(run_one, binary, scenario, k, list(sets), tmp, threads, k in keep, months)
                    for k in replications]
            out = [fu.result() for fu in futs]
    finally:
        if own and not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return sorted(out, key=lambda m: m["replication"])
