"""vfp-sweep plot: a metric's mean against a parameter, with its 95% confidence band.

Reads DIR/aggregate.csv and DIR/sweep.json (for the grid's parameter names).
One line per value of --series; every other parameter the grid varies must be
fixed with --where NAME=VALUE, so that each point of a line is one grid point.
The PNG carries no timestamp, so the same aggregate gives the same bytes.
"""
import json
import os

DPI = 150


class PlotError(Exception):
    """A plot that cannot be drawn; the message names the option and the file."""


def _load(out_dir):
    import pandas  # here, not at the top: vfp-sweep's spec checks start without it

    aggregate = os.path.join(out_dir, "aggregate.csv")
    sweep = os.path.join(out_dir, "sweep.json")
    try:
        with open(sweep) as f:
            params = list(json.load(f)["grid"])
        return pandas.read_csv(aggregate), params
    except (OSError, ValueError, KeyError) as e:
        raise PlotError("%s: not a finished sweep (need aggregate.csv and sweep.json): %s" % (out_dir, e))


def _select(frame, params, x, series, where):
    fixed = {}
    for item in where:
        name, _, value = item.partition("=")
        if name not in params:
            raise PlotError(
                '--where %s: the grid has no parameter "%s" (it has %s)' % (item, name, ", ".join(params))
            )
        fixed[name] = value
    free = [p for p in params if p not in (x, series) and p not in fixed]
    for name in free:
        if frame[name].nunique() > 1:
            raise PlotError(
                'the grid also varies "%s": fix it with --where %s=VALUE or use it as --series' % (name, name)
            )
    for name, value in fixed.items():
        frame = frame[frame[name].astype(str) == value]
        if frame.empty:
            raise PlotError("--where %s=%s: no grid point has that value" % (name, value))
    return frame


def _check_names(frame, params, x, y, series):
    for option, name in (("--x", x), ("--series", series)):
        if name is not None and name not in params:
            raise PlotError(
                '%s %s: the grid has no parameter "%s" (it has %s)' % (option, name, name, ", ".join(params))
            )
    if y + ".mean" not in frame.columns:
        metrics = sorted(c[: -len(".mean")] for c in frame.columns if c.endswith(".mean"))
        raise PlotError(
            "--y %s: no such numeric metric in aggregate.csv (e.g. %s)" % (y, ", ".join(metrics[:8]))
        )


def _first_above(group, x, column, threshold):
    above = group[group[column] > threshold]
    return "from %s = %s" % (x, above[x].iloc[0]) if not above.empty else "nowhere"


def crossing(group, x, y, threshold):
    """Where along x (sorted) METRIC is first above threshold: its mean, and its 95% CI."""
    return "%s above %g: mean %s; 95%% CI wholly above %s, reaching it %s" % (
        y,
        threshold,
        _first_above(group, x, y + ".mean", threshold),
        _first_above(group, x, y + ".ci95_low", threshold),
        _first_above(group, x, y + ".ci95_high", threshold),
    )


def _lines(axes, frame, x, y, series, threshold):
    """Draws one line with its band per series; returns the crossing notes."""
    notes = []
    groups = frame.groupby(series, sort=False) if series else [(None, frame)]
    for value, group in groups:
        group = group.sort_values(x)
        label = None if series is None else "%s = %s" % (series, value)
        (line,) = axes.plot(group[x], group[y + ".mean"], marker="o", label=label)
        axes.fill_between(
            group[x],
            group[y + ".ci95_low"],
            group[y + ".ci95_high"],
            color=line.get_color(),
            alpha=0.2,
            linewidth=0,
        )
        if threshold is not None:
            notes.append(("%s: " % label if label else "") + crossing(group, x, y, threshold))
    if threshold is not None:
        axes.axhline(threshold, color="grey", linestyle="--", linewidth=1)
    return notes


def draw(out_dir, x, y, series=None, where=(), out=None, threshold=None):
    """Writes the figure; returns its path and, with a threshold, where each line passes it.

    Missing CI bounds (one run) count as not passing.
    """
    frame, params = _load(out_dir)
    _check_names(frame, params, x, y, series)
    frame = _select(frame, params, x, series, where)

    import matplotlib
    import pandas

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(6.4, 4.2))
    notes = _lines(axes, frame, x, y, series, threshold)
    axes.set_xlabel(x)
    axes.set_ylabel(y + " (mean, 95% CI)")
    if (
        pandas.api.types.is_numeric_dtype(frame[x])
        and frame[x].min() > 0
        and frame[x].max() / frame[x].min() >= 100
    ):
        axes.set_xscale("log")
    if series:
        axes.legend()
    axes.grid(True, alpha=0.3)
    figure.tight_layout()
    safe = lambda s: "".join(c if c.isalnum() or c in "._-" else "_" for c in s)
    path = out or os.path.join(out_dir, "%s-vs-%s.png" % (safe(y), safe(x)))
    figure.savefig(path, dpi=DPI, metadata={"Software": None})
    pyplot.close(figure)
    return path, notes
