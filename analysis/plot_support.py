"""Shared pieces of the figure scripts (datacenter_plots.py, ananta_plots.py).

Not a script: the scripts put their own directory on sys.path and import it.
Holds the input checking (typed CSV tables, the common part of metrics.json),
the statistics and drawing helpers, and the command-line driver, so that both
scripts read, report and exit alike.

Every input is read and checked before any figure is written; a missing or
malformed file or column ends the script with a one-line message (one per bad
file) and exit status 2. The PNGs carry no timestamp or version metadata, so
the same inputs give the same bytes. Exit statuses:

  exit status 0   every figure written, one "wrote PATH" line each
  exit status 2   a missing or malformed input ("error: ..." on stderr), or
                  bad command-line arguments (argparse)
  exit status 1   matplotlib missing, or a figure could not be written
"""
import argparse
import csv
import json
import math
import os
import sys

EXIT_BAD_INPUT = 2
DPI = 150


class InputError(Exception):
    """An input file is absent or malformed; the message names it."""


# --------------------------------------------------------------------------
# Input schema and loading
# --------------------------------------------------------------------------

# Column types: "str"; "choice" (one of the listed strings); "num" (finite
# number); "num?" (finite number or empty, read as None). Optional (lo, hi)
# bounds apply to numbers.
NONNEG = (0.0, None)
UNIT = (0.0, 1.0)


def parse_cell(text, spec, where):
    """Converts one CSV cell according to its column spec."""
    kind = spec[0]
    text = text.strip()
    if kind == "str":
        return text
    if kind == "choice":
        if text not in spec[1]:
            raise InputError(f"{where}: {text!r} is not one of {', '.join(spec[1])}")
        return text
    if text == "":
        if kind == "num?":
            return None
        raise InputError(f"{where}: empty value, a number is required")
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not a number") from None
    if math.isnan(value) and kind == "num?":
        return None
    if not math.isfinite(value):
        raise InputError(f"{where}: {text!r} is not a finite number")
    lo, hi = spec[1] if len(spec) > 1 else (None, None)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f"[{lo:g}, {hi:g}]" if hi is not None else f">= {lo:g}"
        raise InputError(f"{where}: {text!r} is out of range (must be {bounds})")
    return value


def read_table(results_dir, name, schema, check=None):
    """Reads RESULTS_DIR/name as a list of dicts typed by schema.

    schema maps each required column to its spec (see parse_cell); other
    columns are ignored. check(row, where), if given, is called on each
    parsed row and raises InputError for a row that is wrong as a whole."""
    path = os.path.join(results_dir, name)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise InputError(f"{path}: file is empty (a header row is required)")
            header = [h.strip() for h in header]
            missing = [c for c in schema if c not in header]
            if missing:
                raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
            index = {c: header.index(c) for c in schema}
            rows = []
            for cells in reader:
                if not cells or all(not c.strip() for c in cells):
                    continue
                where = f"{path}:{reader.line_num}"
                if len(cells) != len(header):
                    raise InputError(f"{where}: {len(cells)} fields, "
                                     f"header has {len(header)}")
                row = {c: parse_cell(cells[i], schema[c], f"{where}: column {c}")
                       for c, i in index.items()}
                if check:
                    check(row, where)
                rows.append(row)
            return rows
    except FileNotFoundError:
        raise InputError(f"{path}: missing input file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{path}: cannot read: {e}") from None


def read_metrics_json(results_dir):
    """Reads RESULTS_DIR/metrics.json; returns (path, metrics, switch).

    metrics is the top-level object and switch its ["scenario"]["switch"],
    both checked; the caller checks the keys it uses besides."""
    path = os.path.join(results_dir, "metrics.json")
    try:
        with open(path, encoding="utf-8") as f:
            metrics = json.load(f)
    except FileNotFoundError:
        raise InputError(f"{path}: missing input file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: cannot read: {e}") from None
    if not isinstance(metrics, dict):
        raise InputError(f"{path}: top level must be a JSON object")
    scenario = metrics.get("scenario")
    if not isinstance(scenario, dict) or not isinstance(scenario.get("switch"), str):
        raise InputError(f"{path}: missing key scenario.switch (a string)")
    return path, metrics, scenario["switch"]


def load_inputs(results_dir, schemas, read_metrics, metrics_first=False,
                row_checks=None, fatal=()):
    """Reads and checks every input: each table of schemas (name -> schema,
    checked by row_checks[name] if there is one) and, before or after them,
    read_metrics(results_dir), which returns a dict of entries for the data.

    Returns the data: the rows of each table by file name, plus the entries
    of read_metrics. Raises InputError listing the first problem of each bad
    file; an error of a class in fatal is raised alone, at once."""
    if not os.path.isdir(results_dir):
        raise InputError(f"{results_dir}: not a directory")
    row_checks = row_checks or {}
    data, problems = {}, []

    def read_tables():
        for name, schema in schemas.items():
            try:
                data[name] = read_table(results_dir, name, schema, row_checks.get(name))
            except InputError as e:
                problems.append(str(e))

    def read_metrics_entries():
        try:
            data.update(read_metrics(results_dir))
        except fatal:
            raise
        except InputError as e:
            problems.append(str(e))

    if metrics_first:
        read_metrics_entries()
        read_tables()
    else:
        read_tables()
        read_metrics_entries()
    if problems:
        raise InputError("\nerror: ".join(problems))
    return data


# --------------------------------------------------------------------------
# Statistics helpers
# --------------------------------------------------------------------------

def column(rows, name):
    return [r[name] for r in rows]


def percentile(values, q):
    """Linear-interpolated q-th percentile (0..100) of a non-empty list."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def cdf_points(values):
    """Empirical CDF of a non-empty list, for ax.step(..., where="post").

    Returns the sorted values and the fraction of samples <= each, led by
    (min, 0) so that the first jump (and a single sample) is drawn."""
    xs = sorted(values)
    n = len(xs)
    return [xs[0]] + xs, [0.0] + [(i + 1) / n for i in range(n)]


def fmt(x):
    """Compact number for labels."""
    return f"{x:.3g}" if abs(x) < 1e4 else f"{x:.3e}"


# --------------------------------------------------------------------------
# Drawing helpers
# --------------------------------------------------------------------------

def note_no_data(ax, text="no data"):
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center",
            fontsize=12, color="0.4", zorder=10,
            bbox=dict(facecolor="white", edgecolor="0.8", boxstyle="round"))


def apply_auto_scale(ax, values, axis="x"):
    """Log (or symlog with zeros) when positive values span >= 2 decades.

    Returns the scale name used ("linear", "log" or "symlog")."""
    positive = [v for v in values if v > 0]
    if not positive or max(positive) / min(positive) < 100:
        return "linear"
    setter = ax.set_xscale if axis == "x" else ax.set_yscale
    if len(positive) == len(values):
        setter("log")
        return "log"
    setter("symlog", linthresh=min(positive))
    return "symlog"


def plot_cdf(ax, series, xlabel, title, percentiles=(50,), empty="no data"):
    """Draws one CDF per (label, values) pair; legend gives the percentiles.

    empty is the note drawn when every series is empty."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fraction (CDF)")
    ax.set_title(title)
    ax.set_ylim(0, 1.02)
    ax.grid(True, which="major", alpha=0.3)
    drawn = [(label, values) for label, values in series if values]
    if not drawn:
        note_no_data(ax, empty)
        return
    for label, values in drawn:
        xs, ys = cdf_points(values)
        stats = ", ".join(f"p{q} {fmt(percentile(values, q))}" for q in percentiles)
        ax.step(xs, ys, where="post", label=f"{label} (n={len(values)}; {stats})")
    scale = apply_auto_scale(ax, [v for _, values in drawn for v in values])
    if scale != "linear":
        ax.set_xlabel(f"{xlabel}, {scale} scale")
    ax.legend(loc="lower right", fontsize="small")


def switch_title(switch):
    """The switch's name as figure titles spell it."""
    return {"vfp": "VFP", "bridge": "bridge"}.get(switch, switch)


# --------------------------------------------------------------------------
# Main driver
# --------------------------------------------------------------------------

def import_pyplot(hashsalt):
    """matplotlib.pyplot on the Agg backend; exits (status 1) without it."""
    try:
        import matplotlib
    except ImportError:
        sys.exit(f"error: matplotlib is not importable by {sys.executable} "
                 "(Debian: apt-get install python3-matplotlib, then run with /usr/bin/python3)")
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = hashsalt
    import matplotlib.pyplot as plt
    return plt


def run(argv, description, load_inputs, figures, hashsalt):
    """The command line of a figure script: RESULTS_DIR in, PNGs out.

    load_inputs(results_dir) returns the data or raises InputError; figures
    is a sequence of (file name, draw), draw(plt, data) returning a Figure,
    or a function of the data returning that sequence (for figures drawn only
    when their optional input is there). Returns the exit status."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("results_dir", metavar="RESULTS_DIR",
                        help="scenario output directory; figures are written here")
    args = parser.parse_args(argv)

    try:
        data = load_inputs(args.results_dir)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT

    plt = import_pyplot(hashsalt)
    if callable(figures):
        figures = figures(data)
    for name, draw in figures:
        if not save_figure(plt, draw(plt, data), os.path.join(args.results_dir, name)):
            return 1
    return 0


def save_figure(plt, fig, path):
    """Writes fig to path without metadata (reproducible bytes) and closes it;
    prints "wrote PATH", or the error on stderr and returns False."""
    try:
        fig.savefig(path, dpi=DPI, metadata={"Software": None})
    except OSError as e:
        print(f"error: {path}: cannot write: {e}", file=sys.stderr)
        return False
    finally:
        plt.close(fig)
    print(f"wrote {path}")
    return True
