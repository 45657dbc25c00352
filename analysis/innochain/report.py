"""Write a policy-versus-baseline report (Markdown with its figures, or one self-contained HTML).

Usage (Debian's interpreter, from the repository root; or ``innochain-report`` once installed)::

    PYTHONPATH=analysis /usr/bin/python3 -m innochain.report [BASELINE POLICY] -o OUTDIR \\
        [--format markdown|html] [--metric M]... [--series S]... [--title TEXT] \\
        [--province] [--per-year] [--discount RATE] \\
        [--sweep DIR]... [--sweep-metric M]... [--point P] [--treated [--treated-by kind|field|region]...]

BASELINE and POLICY are datasets as for ``innochain compare`` (a run file, a directory of run
files, or a sweep directory); without them the report has only the sweep sections (a
sensitivity report). The report holds: the inputs (scenarios, replications, horizon,
scale), the comparison table (paired differences with 95 % Student t intervals, relative change,
public cost per additional unit with its Fieller interval and the n.s. mark), a forest plot of
relative effects, and time-series figures of the chosen monthly series. With ``--sweep DIR`` it
adds, for each ``--sweep-metric`` (any outcome, derived ones included), response curves or
surfaces over the swept keys, local effects for ``oat`` designs, Morris or Sobol indices for
``morris`` / ``saltelli`` designs, local and global indices side by side when both kinds are
given, and a note where design points gave identical runs (a kinked rule). When a side is a
sweep with several design points, the report has a table and a forest plot per point and no
time series, unless ``--point P`` selects one point.

Markdown: OUTDIR/report.md with each figure as SVG (shown), PNG (200 dpi) and PDF beside it.
HTML: OUTDIR/report.html with the PNG figures inlined (base64), a single file to send around.
Exit codes: 0 done, 2 bad input (mismatched or unfinished datasets, unknown outcomes), 3
unreadable files.
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
from . import metrics as registry
from .reader import IncompleteRunError

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


def comparison_markdown(table: pd.DataFrame) -> str:
    """The comparison table (one point) as Markdown: the columns of innochain compare's table."""
    lines = [
        "| outcome | units | baseline mean | policy mean | mean difference | 95 % interval | change "
        "| cost per extra unit (yuan) | its 95 % interval (Fieller) | |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for _, r in table.iterrows():
        interval = "-" if math.isnan(r["ci_low"]) else f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]"
        change = "-" if math.isnan(r["relative_change"]) else f"{100 * r['relative_change']:+.2f} %"
        cost = cost_ci = ""
        if r["metric"] in registry.COST_OUTCOMES:
            cost = _fmt(r["cost_per_additional_unit"])
            if not math.isnan(r["cost_ci_low"]):
                cost_ci = f"[{_fmt(r['cost_ci_low'])}, {_fmt(r['cost_ci_high'])}]"
            elif cost != "-":
                cost_ci = "unbounded"
        lines.append(
            f"| {r['metric']} | {r['units']} | {_fmt(r['baseline_mean'])} | {_fmt(r['policy_mean'])} | "
            f"{_fmt(r['mean_difference'])} | {interval} | {change} | {cost} | {cost_ci} | {r['cost_mark']} |"
        )
    return "\n".join(lines)


class ReportWriter:
    """Collects sections and figures, then writes Markdown with SVG, PNG and PDF figures, or one
    HTML file with the PNGs inlined."""

    def __init__(self, outdir: str | pathlib.Path, fmt: str = "markdown", dpi: int = plots.DPI):
        self.outdir, self.fmt, self.dpi = pathlib.Path(outdir), fmt, dpi
        self.parts: list[tuple[str, str]] = []  # (kind, payload): ("md", text) or ("fig", name)
        self.figures: dict[str, tuple[bytes, str]] = {}  # name -> (PNG bytes, caption)

    def text(self, markdown: str) -> None:
        self.parts.append(("md", markdown))

    def figure(self, fig, name: str, caption: str) -> None:
        """Adds a figure; NAME is the file stem (NAME.svg, NAME.png, NAME.pdf)."""
        if self.fmt == "markdown":
            self.outdir.mkdir(parents=True, exist_ok=True)
            plots.save(fig, self.outdir / name, dpi=self.dpi)
            png = b""
        else:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=self.dpi, bbox_inches="tight", pad_inches=0.05)
            plots.close(fig)
            png = buf.getvalue()
        self.figures[name] = (png, caption)
        self.parts.append(("fig", name))

    def write(self) -> pathlib.Path:
        self.outdir.mkdir(parents=True, exist_ok=True)
        if self.fmt == "markdown":
            out = []
            for kind, payload in self.parts:
                if kind == "md":
                    out.append(payload)
                else:
                    caption = self.figures[payload][1]
                    out.append(f"![{caption}]({payload}.svg)\n\n*{caption}* "
                               f"([PNG]({payload}.png), [PDF]({payload}.pdf))")
            path = self.outdir / "report.md"
            path.write_text("\n\n".join(out) + "\n", encoding="utf-8")
            return path
        body = []
        for kind, payload in self.parts:
            if kind == "md":
                body.append(_markdown_to_html(payload))
            else:
                png, caption = self.figures[payload]
                data = base64.b64encode(png).decode("ascii")
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
    baseline: str | None,
    policy: str | None,
    outdir: str | pathlib.Path,
    fmt: str = "markdown",
    metrics: Sequence[str] | None = None,
    series: Sequence[str] | None = None,
    title: str | None = None,
    sweeps: Sequence[str] = (),
    sweep_metrics: Sequence[str] = (),
    dpi: int = plots.DPI,
    point: int | None = None,
    province: bool = False,
    per_year: bool = False,
    discount: float | None = None,
    treated_by: Sequence[str] | None = None,
) -> pathlib.Path:
    """Writes the report and returns its path (see the module docstring).

    ``point`` restricts a side that is a multi-point sweep to that design point. Without it, a
    multi-point comparison gets a table and a forest plot per point and no time series (they
    need one point). ``province``, ``per_year`` and ``discount`` are those of
    :func:`innochain.datasets.compare`. ``treated_by`` (a list; "" for no split, or "kind",
    "field", "region") adds the effects on the treated (per-firm pairing, :mod:`innochain.treated`;
    the runs need monthly snapshots), one table per entry.
    """
    if dpi < 200:
        raise ValueError(f"figures need at least 200 dpi (got {dpi})")
    if baseline is None or policy is None:
        if baseline is not None or policy is not None or not sweeps:
            raise ValueError("give BASELINE and POLICY, or neither and at least one --sweep")
        w = ReportWriter(outdir, fmt, dpi)
        w.text(f"# {title or 'Sensitivity'}")
        sweep_sections(w, sweeps, sweep_metrics)
        return w.write()
    b = _at_point(datasets.run_table(baseline), point)
    p = _at_point(datasets.run_table(policy), point)
    table = datasets.compare(b, p, metrics, province=province, per_year=per_year, discount=discount)
    w = ReportWriter(outdir, fmt, dpi)
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
    how = ("province-equivalent figures (counts and yuan divided by world.scale " f"{scale:g})" if province else
           f"the run's own units (at world.scale {scale:g}: multiply counts and yuan by {1 / scale:g} for "
           "province-equivalent figures, or rerun with --province)")
    w.text(
        f"Outcomes are {'amounts per simulated year for flows' if per_year else 'run totals for flows'} and "
        f"end-of-run values for stocks, in {how}; relative changes and costs per unit need no scaling. "
        "Notes:\n\n" + "\n".join(f"- {n}" for n in table.attrs["notes"])
    )
    points = sorted(table["point"].unique().tolist())
    for pt in points:
        one = table[table["point"] == pt]
        one.attrs = table.attrs
        suffix = f"_point{pt}" if len(points) > 1 else ""
        if len(points) > 1:
            w.text(f"### Design point {pt}")
        w.text(comparison_markdown(one))
        w.figure(plots.effect_forest(one), f"effects{suffix}",
                 "Relative change of each outcome against the baseline mean with its 95 % interval (coloured: the "
                 "interval excludes 0)" + (f", design point {pt}." if len(points) > 1 else "."))
    if len(points) > 1:
        w.text("Time series need a single design point: rerun with `--point P`.")
        sweep_sections(w, sweeps, sweep_metrics)
        return w.write()
    if treated_by is not None:
        treated_section(w, baseline, policy, treated_by, per_year=per_year, province=province)
    names = list(series or DEFAULT_SERIES)
    bs = _runs_at_point(datasets.open_runs(baseline, names), point)
    ps = _runs_at_point(datasets.open_runs(policy, names), point)
    w.text("## Over time")
    for name in names:
        cum = _cumulative(bs[name])
        w.figure(plots.time_series_bands(bs, ps, name, cumulative=cum), f"series_{name}",
                 f"{bs[name].attrs.get('long_name', name)}{' (cumulative)' if cum else ''}: left, the baseline and "
                 f"policy medians with the 10-90 % range of replications; right, the mean paired difference with its "
                 f"95 % confidence interval (dark) and the 10-90 % range of the replications' differences (light).")
    sweep_sections(w, sweeps, sweep_metrics)
    return w.write()


def treated_markdown(table: pd.DataFrame) -> str:
    """The treated table as Markdown, with the interval and a mark where it includes 0."""
    split = (table["subgroup"].fillna("") != "").any()
    lines = [("| group | " + ("subgroup | " if split else "") + "outcome | units | firms | baseline mean | "
              "policy mean | mean difference | 95 % interval | change | |"),
             "| --- | " + ("--- | " if split else "") + "--- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for _, r in table.iterrows():
        interval = "-" if math.isnan(r["ci_low"]) else f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]"
        change = "-" if math.isnan(r["relative_change"]) else f"{100 * r['relative_change']:+.2f} %"
        mark = "" if math.isnan(r["ci_low"]) or r["ci_low"] > 0 or r["ci_high"] < 0 else "n.s."
        if r["mean_difference"] == 0 and r["sd_difference"] == 0:
            mark = "none"
        lines.append(f"| {r['group']} | " + (f"{r['subgroup']} | " if split else "") +
                     f"{r['metric']} | {r['units']} | {_fmt(r['agents'], 4)} | {_fmt(r['baseline_mean'])} | "
                     f"{_fmt(r['policy_mean'])} | {_fmt(r['mean_difference'])} | {interval} | {change} | {mark} |")
    return "\n".join(lines)


def treated_section(w: "ReportWriter", baseline: str, policy: str, by: Sequence[str], per_year: bool = False,
                    province: bool = False) -> None:
    """Effects on the treated: per-firm paired effects by group (and by each split in ``by``)."""
    from . import treated

    w.text("## Effects where they happen: per-firm pairing")
    w.text("Every firm alive when the policy starts has the same id in both runs of a replication (common random "
           "numbers; checked), so its outcome under the policy minus its own outcome in the baseline is its "
           "effect. Rows of recipients, eligible non-recipients and others are means per firm of these effects "
           "in each replication, with a 95 % Student t interval over replications; entrants (founded after the "
           "start) are cohort totals per run. n.s.: the interval includes 0; none: exactly 0 in every "
           "replication. docs/analysis.md, \"Effects on the treated\", states the assumptions.")
    for split in by:
        table = treated.treated_effects(baseline, policy, by=split or None, per_year=per_year, province=province)
        if split:
            w.text(f"### By {split}")
        else:
            w.text("\n".join(f"- {n}" for n in table.attrs["notes"]))
        w.text(treated_markdown(table))


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


def sweep_sections(w: ReportWriter, sweeps: Sequence[str], sweep_metrics: Sequence[str]) -> None:
    """A section per sweep, then local and global indices side by side when both were given."""
    names = list(sweep_metrics) or ["products_launched"]
    local, global_ = {}, {}
    for directory in sweeps:
        kind = sweep_section(w, directory, names)
        for metric in names:
            if kind == "oat":
                local.setdefault(metric, (directory, sensitivity.sweep_sensitivity(directory, metric)))
            elif kind in ("morris", "saltelli"):
                global_.setdefault(metric, (directory, sensitivity.sweep_sensitivity(directory, metric)))
    for metric in names:
        if metric in local and metric in global_:
            (ldir, lt), (gdir, gt) = local[metric], global_[metric]
            both = sensitivity.local_and_global(lt, gt)
            outcome = _outcome_of(gdir, metric)
            w.text(f"## Local and global sensitivity of `{metric}`\n\n"
                   f"Local: one key at a time from the base (calibrated) point of `{ldir}`, the change of the outcome "
                   f"from the low to the high end of the key's range with its 95 % interval over paired replications, "
                   f"and the elasticity at the base point. Global: `{gdir}` over the whole design space. A key that "
                   "matters globally but not locally acts through interactions or away from the calibrated point; "
                   "compare them on the same ranges.\n\n" + _frame_markdown(both))
            w.figure(plots.local_global_bars(both, f"{outcome.long_name}: local and global sensitivity", outcome),
                     f"sensitivity_{_safe(metric)}_local_global",
                     f"{outcome.long_name}: local effects (left) and global indices (right) per key.")


def _safe(metric: str) -> str:
    return metric.replace("/", "_")


def _outcome_of(directory: str, metric: str) -> registry.Outcome:
    return registry.describe([metric], registry.first_run_file(directory))[metric]


def sweep_section(w: ReportWriter, directory: str, names: Sequence[str]) -> str:
    """Writes the section of one sweep directory; returns its design kind."""
    index = datasets.read_index(directory)
    design = datasets.read_design(directory)
    info = datasets.sweep_info(directory)
    kind = info.get("design", "")
    keys = list(design.columns)
    w.text(f"## Sweep `{directory}`")
    w.text(f"Design `{kind or 'unknown'}` over {len(design)} points, keys: " + ", ".join(f"`{k}`" for k in keys) + ".")
    for note in sensitivity.kink_notes(directory):
        w.text("**Identical runs.** " + note)
    for metric in names:
        safe = _safe(metric)
        outcome = _outcome_of(directory, metric)
        if kind in ("morris", "saltelli", "oat"):
            idx = sensitivity.sweep_sensitivity(directory, metric)
            what = {"oat": "local effects (one key at a time from point 0, the base point)",
                    "morris": "Morris indices", "saltelli": "Sobol indices"}[kind]
            w.text(f"### Sensitivity of `{metric}`: {what}\n\n" + _frame_markdown(idx))
            w.figure(plots.sensitivity_bars(idx, f"{outcome.long_name}: {what}", outcome), f"sweep_{safe}_{kind}",
                     f"{outcome.long_name}: {what}, with 95 % intervals.")
        elif len(keys) == 1:
            w.figure(plots.response_curve(index, keys[0], metric, outcome=outcome), f"sweep_{safe}_curve",
                     f"{outcome.long_name} over {keys[0]}: the mean at each design point (marked) with its 95 % "
                     "confidence interval and the 10-90 % range of replications.")
        elif len(keys) >= 2:
            w.figure(plots.response_surface(index, keys[0], keys[1], metric, outcome=outcome), f"sweep_{safe}_surface",
                     f"{outcome.long_name}: mean over replications at each design point against {keys[0]} and "
                     f"{keys[1]}.")
    return kind


def _frame_markdown(frame: pd.DataFrame) -> str:
    """A small DataFrame (index = keys) as a Markdown table."""
    lines = ["| key | " + " | ".join(frame.columns) + " |", "| --- |" + " ---: |" * len(frame.columns)]
    for key, row in frame.iterrows():
        cells = [_fmt(float(v), 3) if isinstance(v, (int, float)) else str(v) for v in row]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m innochain.report", description=__doc__.split("\n\n")[0])
    ap.add_argument("baseline", nargs="?", help="baseline dataset (omit both for a sweep-only report)")
    ap.add_argument("policy", nargs="?", help="policy dataset")
    ap.add_argument("-o", "--output", required=True, help="output directory")
    ap.add_argument("--format", choices=("markdown", "html"), default="markdown")
    ap.add_argument("--metric", action="append", help="outcome for the table (repeatable; default: headline outcomes)")
    ap.add_argument("--series", action="append", help="monthly series to draw (repeatable)")
    ap.add_argument("--title")
    ap.add_argument("--province", action="store_true", help="province-equivalent figures (divide by world.scale)")
    ap.add_argument("--per-year", action="store_true", help="flows per simulated year")
    ap.add_argument("--discount", type=float, help="annual rate for discounting public cost to month 0")
    ap.add_argument("--sweep", action="append", default=[], help="a sweep directory to add (repeatable)")
    ap.add_argument("--sweep-metric", action="append", default=[],
                    help="outcome for the sweep sections (any outcome, e.g. transfers; repeatable)")
    ap.add_argument("--dpi", type=int, default=plots.DPI, help="PNG resolution (at least 200)")
    ap.add_argument("--point", type=int, help="design point of a multi-point sweep to report on")
    ap.add_argument("--treated", action="store_true",
                    help="add the effects on the treated (per-firm pairing; runs with monthly snapshots)")
    ap.add_argument("--treated-by", action="append", choices=("kind", "field", "region"), default=[],
                    help="with --treated: also split the groups by kind, field or region (repeatable)")
    a = ap.parse_args(argv)
    try:
        path = build_report(a.baseline, a.policy, a.output, a.format, a.metric, a.series, a.title, a.sweep,
                            a.sweep_metric, a.dpi, a.point, a.province, a.per_year, a.discount,
                            ["", *a.treated_by] if a.treated else None)
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
