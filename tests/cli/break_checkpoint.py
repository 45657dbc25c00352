#!/usr/bin/python3
"""Damages a copy of a checkpoint in one named way (tests/data/broken_checkpoints/cases.txt).

    break_checkpoint.py CHECKPOINT OPERATION TARGET [ARGUMENT]

Operations (TARGET is a dataset path, or an attribute name for `attr`):
  truncate DATASET N         keep the first N values of a 1-D dataset
  truncate_group GROUP N     keep the first N values of every 1-D dataset of a group but "rows"
  set DATASET INDEX=VALUE    one value (VALUE: a number, nan, inf, -inf); INDEX "first_employed"
                             is the first talent employed by an institute or an enterprise
  attr NAME VALUE            a root attribute (integer if it looks like one)
  scenario TEXT=REPLACEMENT  edit the /scenario text (its scenario_sha256 left as it was)
  delete DATASET             remove a dataset
"""
import sys

import h5py
import numpy as np


def replace(group, name, data):
    old = group[name]
    dtype = old.dtype
    del group[name]
    group.create_dataset(name, data=np.asarray(data, dtype=dtype))


def number(text, dtype):
    if text in ("nan", "inf", "-inf"):
        return float(text)
    return np.asarray(float(text) if "." in text or "e" in text else int(text)).astype(dtype)


def main():
    path, op, target = sys.argv[1:4]
    arg = sys.argv[4] if len(sys.argv) > 4 else ""
    with h5py.File(path, "r+") as f:
        if op == "truncate":
            group, name = target.rsplit("/", 1)
            replace(f[group], name, f[target][: int(arg)])
        elif op == "truncate_group":
            for name, ds in list(f[target].items()):
                if isinstance(ds, h5py.Dataset) and name != "rows":
                    replace(f[target], name, ds[: int(arg)])
        elif op == "set":
            index, value = arg.split("=")
            if index == "first_employed":
                kinds = f["checkpoint_state/talent/employer_kind"][()]
                index = int(np.flatnonzero((kinds == 1) | (kinds == 2))[0])
            data = f[target][()]
            data[int(index)] = number(value, data.dtype)
            group, name = target.rsplit("/", 1)
            replace(f[group], name, data)
        elif op == "attr":
            f.attrs[target] = np.int64(arg) if arg.lstrip("-").isdigit() else arg
        elif op == "scenario":
            old, new = arg.split("=", 1)
            text = f["scenario"][()].decode()
            assert old in text, f"'{old}' not in the scenario"
            del f["scenario"]
            f.create_dataset("scenario", data=text.replace(old, new, 1), dtype=h5py.string_dtype())
        elif op == "delete":
            del f[target]
        else:
            sys.exit(f"unknown operation {op}")


if __name__ == "__main__":
    main()
