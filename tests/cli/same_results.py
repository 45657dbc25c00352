#!/usr/bin/python3
"""Exit 0 when two run files hold bit-identical results: every dataset under /month,
/series, /summary, /events and /snapshots (same names, shapes, dtypes and bytes;
NaN equal to NaN). Prints the first difference otherwise. Used by the reliability
tests (tests/cli/checkpoint_resume.sh) to compare a resumed or branched run with an
uninterrupted one."""
import sys

import h5py
import numpy as np

GROUPS = ("month", "series", "summary", "events", "snapshots")


def datasets(f):
    out = {}
    for g in GROUPS:
        if g not in f:
            continue
        if isinstance(f[g], h5py.Dataset):
            out[g] = f[g]
            continue
        f[g].visititems(lambda name, obj: out.__setitem__(f"{g}/{name}", obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def main(a_path, b_path):
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        for name, f in ((a_path, a), (b_path, b)):
            if f.attrs.get("status") != "complete":
                print(f"{name}: status is {f.attrs.get('status')!r}, not 'complete'")
                return 1
        da, db = datasets(a), datasets(b)
        if sorted(da) != sorted(db):
            print("different datasets:", sorted(set(da) ^ set(db)))
            return 1
        for name in sorted(da):
            x, y = da[name][()], db[name][()]
            if x.dtype != y.dtype or np.shape(x) != np.shape(y):
                print(f"{name}: {x.dtype}{np.shape(x)} vs {y.dtype}{np.shape(y)}")
                return 1
            if np.asarray(x).tobytes() != np.asarray(y).tobytes():
                diff = np.argwhere(np.asarray(x != y) & ~(np.isnan(x) & np.isnan(y)) if x.dtype.kind == "f" else np.asarray(x != y))
                print(f"{name}: values differ, first at {diff[:1].tolist()}")
                return 1
        print(f"same results: {len(da)} datasets")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
