"""Write a policy-versus-baseline report (Markdown with PNG figures, or one self-contained HTML).

Usage (Debian's interpreter, from the repository root)::

    PYTHONPATH=analysis /usr/bin/python3 -m innochain.report BASELINE POLICY -o OUTDIR \\
        [--format markdown|html] [--metric M]... [--series S]... [--title TEXT] \\
        [--sweep DIR --sweep-metric M]... [--point P]

BASELINE and POLICY are datasets as for ``innochain compare`` (a run file, a directory of run
files, or a sweep directory). The report holds: the inputs (scenarios, replications, horizon,
scale), the comparison table (paired differences with 95 % Student t intervals, relative change,
public cost per additional unit), a forest plot of relative effects, and time-series bands of
the chosen monthly series. With ``--sweep DIR`` it adds, for each ``--sweep-metric``, response
curves over the swept keys and, for morris / saltelli designs, sensitivity indices. When a side is
a sweep with several design points, the report has a table and a forest plot per point and no
time series, unless ``--point P`` selects one point.

Markdown: OUTDIR/report.md and OUTDIR/*.png. HTML: OUTDIR/report.html with the figures inlined
(base64), a single file to send around. Exit codes: 0 done, 2 bad input (mismatched or
unfinished datasets, unknown outcomes), 3 unreadable files.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import math
import pathlib
import sys
from typing import Sequence

import pandas as pd

from . import datasets, plots, sensitivity
from .reader import IncompleteRunError, summary

DEFAULT_SERIES = ("compute_spending", "breakthroughs", "products_launched", "startups_founded")


def _cumulative(da) -> bool:
    """Counts that flow (products, transfers, start-ups ...) and policy spending are drawn as running
    totals, which small monthly integers make readable; yuan flows and stocks month by month."""
    if da.attrs.get("accumulation") != "flow":
        return False
    return da.name == "policy_spending" or not str(da.attrs.get("units", "")).startswith("yuan")


def _fmt(v: float, digits: int = 4) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:.{digits}g}"


def comparison_markdown(table: pd.DataFrame, units: dict[str, str]) -> str:
    """The comparison table as Markdown (one point)."""
    lines = [
        "| outcome | units | baseline mean | policy mean | mean difference | 95 % interval | change | cost per extra unit (yuan) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for _, r in table.iterrows():
        interval = "-" if math.isnan(r["ci_low"]) else f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]"
        change = "-" if math.isnan(r["relative_change"]) else f"{100 * r['relative_change']:+.2f} %"
        cost = ""
        if r["metric"] in datasets.COST_OUTCOMES:
            cost = _fmt(r["cost_per_additional_unit"])
            if cost != "-" and r["ci_low"] <= 0.0:  # the extra units are not distinguishable from none
                cost += " (n.s.)"
        lines.append(
            f"| {r['metric']} | {units.get(r['metric'], '')} | {_fmt(r['baseline_mean'])} | {_fmt(r['policy_mean'])} | "
            f"{_fmt(r['mean_difference'])} | {interval} | {change} | {cost} |"
        )
    return "\n".join(lines)


class _Writer:
    """Collects sections and figures, then writes Markdown + PNGs or one HTML file."""

    def __init__(self, outdir: pathlib.Path, fmt: str, dpi: int):
        self.outdir, self.fmt, self.dpi = outdir, fmt, dpi
        self.parts: list[tuple[str, str]] = []  # (kind, payload): ("md", text) or ("fig", file name)
        self.figures: dict[str, bytes] = {}

    def text(self, markdown: str) -> None:
        self.parts.append(("md", markdown))

    def figure(self, fig, name: str, caption: str) -> None:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=self.dpi)
        plots.plt.close(fig)
        self.figures[name] = buf.getvalue()
        self.parts.append(("fig", f"{name}\n{caption}"))

    def write(self) -> pathlib.Path:
        self.outdir.mkdir(parents=True, exist_ok=True)
        if self.fmt == "markdown":
            out = []
            for kind, payload in self.parts:
                if kind == "md":
                    out.append(payload)
                else:
                    name, caption = payload.split("\n", 1)
                    (self.outdir / name).write_bytes(self.figures[name])
                    out.append(f"![{caption}]({name})\n\n*{caption}*")
            path = self.outdir / "report.md"
            path.write_text("\n\n".join(out) + "\n", encoding="utf-8")
            return path
        body = []
        for kind, payload in self.parts:
            if kind == "md":
                body.append(_markdown_to_html(payload))
            else:
                name, caption = payload.split("\n", 1)
                data = base64.b64encode(self.figures[name]).decode("ascii")
                body.append(
                    f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
                    f"<figcaption>{html.escape(caption)}</figcaption></figure>"
                )
        style = (
            "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}"
            "table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ccc;padding:.2rem .4rem}"
            "td{text-align:right}td:first-child,td:nth-child(2){text-align:left}img{max-width:100%}"
            "figcaption{font-style:italic;font-size:.9rem}"
        )
        path = self.outdir / "report.html"
        path.write_text(
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>innochain report</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n",
            encoding="utf-8",
        )
        return path


def _inline(text: str) -> str:
    """Escapes text and renders `code` spans."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _markdown_to_html(md: str) -> str:
    """The small Markdown subset this report writes: headings, paragraphs, lists, tables."""
    out, table, items = [], [], []

    def flush():
        nonlocal table, items
        if table:
            rows = [r for r in table if not set(r.replace("|", "").strip()) <= set("-: ")]
            cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
            head = "".join(f"<th>{_inline(c)}</th>" for c in cells[0])
            body = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in cells[1:])
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
            table = []
        if items:
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items = []

    for line in md.splitlines():
        if line.startswith("|"):
            table.append(line)
            continue
        if line.startswith("- "):
            items.append(line[2:])
            continue
        flush()
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{_inline(line[level:].strip())}</h{level}>")
        elif line.strip():
            out.append(f"<p>{_inline(line)}</p>")
    flush()
    return "\n".join(out)


def _describe(name: str, table: pd.DataFrame) -> str:
    reps = sorted(table["replication"].unique().tolist())
    scenarios = ", ".join(f"`{s}`" for s in sorted(table["scenario_name"].unique()))
    return (
        f"- {name}: {len(table)} runs of {scenarios}, replications {reps[0]}-{reps[-1]}, "
        f"{int(table['horizon_months'].iloc[0])} months, world.scale {table['world_scale'].iloc[0]:g}"
    )


def build_report(
    baseline: str,
    policy: str,
    outdir: str | pathlib.Path,
    fmt: str = "markdown",
    metrics: Sequence[str] | None = None,
    series: Sequence[str] | None = None,
    title: str | None = None,
    sweeps: Sequence[str] = (),
    sweep_metrics: Sequence[str] = (),
    dpi: int = 80,
    point: int | None = None,
) -> pathlib.Path:
    """Writes the report and returns its path (see the module docstring).

    ``point`` restricts a side that is a multi-point sweep to that design point. Without it, a
    multi-point comparison gets a table and a forest plot per point and no time series (they
    need one point).
    """
    b = _at_point(datasets.run_table(baseline), point)
    p = _at_point(datasets.run_table(policy), point)
    table = datasets.compare(b, p, metrics)
    summary_units = summary(datasets.run_files(baseline)[0]).attrs["units"]
    units = {m: summary_units.get(datasets.DERIVED.get(m, (m,))[0], "") for m in table["metric"]}
    units["policy_spending"] = "yuan"
    w = _Writer(pathlib.Path(outdir), fmt, dpi)
    w.text(f"# {title or 'Policy against baseline'}")
    w.text(
        "\n".join(
            [
                _describe(f"baseline `{baseline}`", b),
                _describe(f"policy `{policy}`", p),
                f"- runs paired by replication and seed (common random numbers): {len(table) and int(table['pairs'].iloc[0])} pairs",
            ]
        )
    )
    scale = float(b["world_scale"].iloc[0])
    w.text("## Outcomes over the whole run")
    w.text(
        "Outcomes are run totals for flows and end-of-run values for stocks, in the run's own units "
        f"(at world.scale {scale:g}: multiply counts and yuan by {1 / scale:g} for province-equivalent figures; "
        "relative changes and costs per unit need no scaling). The interval is a 95 % Student t interval of the "
        "mean paired difference; cost per extra unit = mean extra public spending / mean extra units, when both "
        "are positive ('-' otherwise); (n.s.): the interval of the extra units includes 0, so the cost per unit is not "
        "distinguishable from an unbounded one."
    )
    points = sorted(table["point"].unique().tolist())
    for pt in points:
        one = table[table["point"] == pt]
        suffix = f"_point{pt}" if len(points) > 1 else ""
        if len(points) > 1:
            w.text(f"### Design point {pt}")
        w.text(comparison_markdown(one, units))
        w.figure(plots.effect_forest(one), f"effects{suffix}.png",
                 "Relative change of each outcome against the baseline with its 95 % interval (coloured: the "
                 "interval excludes 0)" + (f", design point {pt}." if len(points) > 1 else "."))
    if len(points) > 1:
        w.text("Time series need a single design point: rerun with `--point P`.")
        for sweep in sweeps:
            _sweep_section(w, sweep, list(sweep_metrics) or ["products_launched"])
        return w.write()
    names = list(series or DEFAULT_SERIES)
    bs = _runs_at_point(datasets.open_runs(baseline, names), point)
    ps = _runs_at_point(datasets.open_runs(policy, names), point)
    w.text("## Over time")
    for name in names:
        cum = _cumulative(bs[name])
        w.figure(plots.time_series_bands(bs, ps, name, cumulative=cum), f"series_{name}.png",
                 f"{name}{' (cumulative)' if cum else ''}: baseline and policy medians with 10-90 % bands over "
                 f"replications (left); paired difference, mean and 10-90 % band (right).")
    for sweep in sweeps:
        _sweep_section(w, sweep, list(sweep_metrics) or ["products_launched"])
    return w.write()


def _at_point(table: pd.DataFrame, point: int | None) -> pd.DataFrame:
    """The runs of one design point when the table holds several (else the table unchanged)."""
    if point is None or table["sweep_point"].nunique() < 2:
        return table
    if point not in set(table["sweep_point"]):
        raise ValueError(f"no design point {point} (the sweep has {sorted(table['sweep_point'].unique())})")
    return table[table["sweep_point"] == point].reset_index(drop=True)


def _runs_at_point(ds, point: int | None):
    if point is None or len(set(ds["sweep_point"].values.tolist())) < 2:
        return ds
    return ds.isel(run=(ds["sweep_point"].values == point))


def _sweep_section(w: _Writer, directory: str, metrics: Sequence[str]) -> None:
    index = datasets.read_index(directory)
    design = datasets.read_design(directory)
    info = datasets.sweep_info(directory)
    kind = info.get("design", "")
    keys = list(design.columns)
    w.text(f"## Sweep `{directory}`")
    w.text(f"Design `{kind or 'unknown'}` over {len(design)} points, keys: " + ", ".join(f"`{k}`" for k in keys) + ".")
    for metric in metrics:
        safe = metric.replace("/", "_")
        if kind in ("morris", "saltelli"):
            idx = sensitivity.sweep_sensitivity(directory, metric)
            w.text(f"### Sensitivity of `{metric}`\n\n" + _frame_markdown(idx))
            w.figure(plots.sensitivity_bars(idx, f"{metric}: {kind} indices"), f"sweep_{safe}_{kind}.png",
                     f"{kind} indices of {metric} with 95 % bootstrap intervals.")
        elif len(keys) == 1:
            w.figure(plots.response_curve(index, keys[0], metric), f"sweep_{safe}_curve.png",
                     f"{metric} over {keys[0]}: mean and 10-90 % band over replications.")
        elif len(keys) >= 2:
            w.figure(plots.response_surface(index, keys[0], keys[1], metric), f"sweep_{safe}_surface.png",
                     f"{metric}: mean over replications against {keys[0]} and {keys[1]}.")


def _frame_markdown(frame: pd.DataFrame) -> str:
    """A small numeric DataFrame (index = keys) as a Markdown table."""
    lines = ["| key | " + " | ".join(frame.columns) + " |", "| --- |" + " ---: |" * len(frame.columns)]
    for key, row in frame.iterrows():
        lines.append(f"| {key} | " + " | ".join(_fmt(float(v), 3) for v in row) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m innochain.report", description=__doc__.split("\n\n")[0])
    ap.add_argument("baseline")
    ap.add_argument("policy")
    ap.add_argument("-o", "--output", required=True, help="output directory")
    ap.add_argument("--format", choices=("markdown", "html"), default="markdown")
    ap.add_argument("--metric", action="append", help="outcome for the table (repeatable; default: headline outcomes)")
    ap.add_argument("--series", action="append", help="monthly series to draw (repeatable)")
    ap.add_argument("--title")
    ap.add_argument("--sweep", action="append", default=[], help="a sweep directory to add (repeatable)")
    ap.add_argument("--sweep-metric", action="append", default=[], help="outcome for the sweep sections")
    ap.add_argument("--dpi", type=int, default=80)
    ap.add_argument("--point", type=int, help="design point of a multi-point sweep to report on")
    a = ap.parse_args(argv)
    try:
        path = build_report(a.baseline, a.policy, a.output, a.format, a.metric, a.series, a.title, a.sweep,
                            a.sweep_metric, a.dpi, a.point)
    except (datasets.MismatchError, IncompleteRunError, KeyError, ValueError) as e:
        print(f"innochain.report: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"innochain.report: error: {e}", file=sys.stderr)
        return 3
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
