#!/usr/bin/env python3
"""Draws the figures of a datacenter scenario run.

    python3 analysis/datacenter_plots.py RESULTS_DIR

Inputs (all in RESULTS_DIR, written by the C++ datacenter scenario; CSV files
have a header row, extra columns are ignored):

  fct.csv         flow,vm,tenant,peer,bytes,start_s,fct_us,kind
                  one row per completed flow; kind is "short" or "long"
  vm.csv          vm,host,tenant,ca,tx_bytes,rx_bytes,throughput_mbps,
                  connections,cps,mean_active_flows,peak_active_flows
  timeseries.csv  time_s,active_flows,new_connections,fast_path_packets,
                  slow_path_packets,uft_hit_rate,cpu_utilisation,drops
                  one row per sampling interval, datacenter totals;
                  uft_hit_rate is in [0,1], or empty when there were no packets
  host.csv        host,vms,tx_bytes,rx_bytes,uft_hit_rate,slow_path_fraction,
                  cpu_utilisation,held_packets,dropped_packets
  metrics.json    JSON object; only ["scenario"]["switch"] (string) and
                  ["summary"] (object) are used, for titles and annotations

CPU utilisation is taken as a fraction of the host's budget (1.0 = 100 %) and
drawn in percent; values above 1 are drawn as they are (overload).

Outputs (PNG, written into RESULTS_DIR, one line printed per figure):

  fct_cdf.png                   CDF of short-flow completion time (p50/p99 in
                                the legend) and FCT vs flow size (log-log)
  active_flows_per_vm_cdf.png   CDF over VMs of mean and peak active flows
  cps_per_vm_cdf.png            CDF over VMs of new connections per second
  uft_hit_rate.png              UFT hit rate over time, fast/slow path
                                packets per interval on a second axis
  cpu_utilisation.png           CDF over hosts of CPU utilisation, and the
                                datacenter CPU utilisation over time
  throughput_per_vm.png         CDF over VMs of throughput (Mbit/s)

Every input is read and checked before any figure is written; a missing or
malformed file or column ends the script with a one-line message and exit
status 2. Empty tables give figures with a "no data" note. The PNGs carry no
timestamp or version metadata, so the same inputs give the same bytes.
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

SCHEMAS = {
    "fct.csv": {
        "flow": ("str",), "vm": ("str",), "tenant": ("str",), "peer": ("str",),
        "bytes": ("num", NONNEG), "start_s": ("num", NONNEG),
        "fct_us": ("num", NONNEG), "kind": ("choice", ("short", "long")),
    },
    "vm.csv": {
        "vm": ("str",), "host": ("str",), "tenant": ("str",), "ca": ("str",),
        "tx_bytes": ("num", NONNEG), "rx_bytes": ("num", NONNEG),
        "throughput_mbps": ("num", NONNEG), "connections": ("num", NONNEG),
        "cps": ("num", NONNEG), "mean_active_flows": ("num", NONNEG),
        "peak_active_flows": ("num", NONNEG),
    },
    "timeseries.csv": {
        "time_s": ("num", NONNEG), "active_flows": ("num", NONNEG),
        "new_connections": ("num", NONNEG),
        "fast_path_packets": ("num", NONNEG),
        "slow_path_packets": ("num", NONNEG),
        "uft_hit_rate": ("num?", UNIT), "cpu_utilisation": ("num", NONNEG),
        "drops": ("num", NONNEG),
    },
    "host.csv": {
        "host": ("str",), "vms": ("num", NONNEG),
        "tx_bytes": ("num", NONNEG), "rx_bytes": ("num", NONNEG),
        "uft_hit_rate": ("num?", UNIT), "slow_path_fraction": ("num?", UNIT),
        "cpu_utilisation": ("num", NONNEG), "held_packets": ("num", NONNEG),
        "dropped_packets": ("num", NONNEG),
    },
}

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


def read_table(results_dir, name):
    """Reads RESULTS_DIR/name as a list of dicts typed by SCHEMAS[name]."""
    path = os.path.join(results_dir, name)
    schema = SCHEMAS[name]
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
                if len(cells) != len(header):
                    raise InputError(f"{path}:{reader.line_num}: {len(cells)} fields, "
                                     f"header has {len(header)}")
                rows.append({c: parse_cell(cells[i], schema[c],
                                           f"{path}:{reader.line_num}: column {c}")
                             for c, i in index.items()})
            return rows
    except FileNotFoundError:
        raise InputError(f"{path}: missing input file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{path}: cannot read: {e}") from None


def read_metrics(results_dir):
    """Returns (switch, summary) from RESULTS_DIR/metrics.json."""
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
    summary = metrics.get("summary")
    if not isinstance(summary, dict):
        raise InputError(f"{path}: missing key summary (an object)")
    return scenario["switch"], summary


def load_inputs(results_dir):
    """Reads and checks every input.

    Raises InputError listing the first problem of each bad file."""
    if not os.path.isdir(results_dir):
        raise InputError(f"{results_dir}: not a directory")
    data, problems = {}, []
    for name in SCHEMAS:
        try:
            data[name] = read_table(results_dir, name)
        except InputError as e:
            problems.append(str(e))
    try:
        data["switch"], data["summary"] = read_metrics(results_dir)
    except InputError as e:
        problems.append(str(e))
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


def plot_cdf(ax, series, xlabel, title, percentiles=(50,)):
    """Draws one CDF per (label, values) pair; legend gives the percentiles."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fraction (CDF)")
    ax.set_title(title)
    ax.set_ylim(0, 1.02)
    ax.grid(True, which="major", alpha=0.3)
    drawn = [(label, values) for label, values in series if values]
    if not drawn:
        note_no_data(ax)
        return
    for label, values in drawn:
        xs, ys = cdf_points(values)
        stats = ", ".join(f"p{q} {fmt(percentile(values, q))}" for q in percentiles)
        ax.step(xs, ys, where="post", label=f"{label} (n={len(values)}; {stats})")
    scale = apply_auto_scale(ax, [v for _, values in drawn for v in values])
    if scale != "linear":
        ax.set_xlabel(f"{xlabel}, {scale} scale")
    ax.legend(loc="lower right", fontsize="small")


def title_prefix(switch):
    return {"vfp": "VFP", "bridge": "bridge"}.get(switch, switch)


def summary_text(summary, limit=8):
    """'key=value' for the scalar summary entries (sorted, at most limit)."""
    items = []
    for key in sorted(summary):
        value = summary[key]
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float)) and math.isfinite(value):
            items.append(f"{key}={fmt(value)}")
        elif isinstance(value, str) and len(value) <= 24:
            items.append(f"{key}={value}")
    if len(items) > limit:
        items = items[:limit] + ["…"]
    return ",  ".join(items)


# --------------------------------------------------------------------------
# Figures: each returns a matplotlib Figure
# --------------------------------------------------------------------------

def fig_fct(plt, data):
    flows = data["fct.csv"]
    short = [r for r in flows if r["kind"] == "short"]
    short_fct = [r["fct_us"] for r in short if r["fct_us"] > 0]
    fig, (ax_cdf, ax_size) = plt.subplots(1, 2, figsize=(12, 4.8))
    fig.suptitle(f"{title_prefix(data['switch'])}: flow completion time")

    shown_fct = short_fct or [r["fct_us"] for r in flows if r["fct_us"] > 0]
    in_ms = bool(shown_fct) and percentile(shown_fct, 50) >= 1000
    unit, scale = ("ms", 1e-3) if in_ms else ("µs", 1.0)
    ax_cdf.set_xlabel(f"flow completion time ({unit}, log)")
    ax_cdf.set_ylabel("fraction of short flows (CDF)")
    ax_cdf.set_title("short flows")
    ax_cdf.set_ylim(0, 1.02)
    ax_cdf.grid(True, which="both", alpha=0.3)
    if short_fct:
        values = [v * scale for v in short_fct]
        xs, ys = cdf_points(values)
        ax_cdf.step(xs, ys, where="post", color="C0", label=f"short flows (n={len(values)})")
        for q, style in ((50, "--"), (99, ":")):
            p = percentile(values, q)
            ax_cdf.axvline(p, color="C3", linestyle=style, label=f"p{q} = {fmt(p)} {unit}")
        ax_cdf.set_xscale("log")
        ax_cdf.legend(loc="lower right", fontsize="small")
    else:
        note_no_data(ax_cdf, "no short flows")
    dropped = len(short) - len(short_fct)
    if dropped:
        ax_cdf.annotate(f"{dropped} flow(s) with FCT 0 not shown", (0.02, 0.95),
                        xycoords="axes fraction", fontsize="small", va="top")

    ax_size.set_xlabel("flow size (bytes, log)")
    ax_size.set_ylabel(f"flow completion time ({unit}, log)")
    ax_size.set_title("FCT vs flow size")
    ax_size.grid(True, which="major", alpha=0.3)
    shown = False
    for kind, color, marker in (("short", "C0", "o"), ("long", "C1", "^")):
        pts = [(r["bytes"], r["fct_us"] * scale) for r in flows
               if r["kind"] == kind and r["bytes"] > 0 and r["fct_us"] > 0]
        if pts:
            ax_size.scatter([p[0] for p in pts], [p[1] for p in pts], s=8, alpha=0.5,
                            color=color, marker=marker, label=f"{kind} (n={len(pts)})",
                            linewidths=0)
            shown = True
    if shown:
        ax_size.set_xscale("log")
        ax_size.set_yscale("log")
        ax_size.legend(loc="upper left", fontsize="small")
    else:
        note_no_data(ax_size, "no flows")

    text = summary_text(data["summary"])
    if text:
        fig.text(0.5, 0.01, text, ha="center", va="bottom", fontsize="x-small", color="0.3")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def fig_active_flows(plt, data):
    vms = data["vm.csv"]
    fig, ax = plt.subplots(figsize=(7, 5))
    plot_cdf(ax, [("mean active flows", column(vms, "mean_active_flows")),
                  ("peak active flows", column(vms, "peak_active_flows"))],
             "active flows per VM",
             f"{title_prefix(data['switch'])}: active flows per VM",
             percentiles=(50, 99))
    fig.tight_layout()
    return fig


def fig_cps(plt, data):
    vms = data["vm.csv"]
    fig, ax = plt.subplots(figsize=(7, 5))
    plot_cdf(ax, [("VMs", column(vms, "cps"))],
             "new connections per second per VM (conn/s)",
             f"{title_prefix(data['switch'])}: connections per second per VM",
             percentiles=(50, 99))
    fig.tight_layout()
    return fig


def fig_uft(plt, data):
    ts = sorted(data["timeseries.csv"], key=lambda r: r["time_s"])
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.set_title(f"{title_prefix(data['switch'])}: UFT hit rate over time")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("UFT hit rate (%)")
    ax.set_ylim(0, 105)
    ax.grid(True, alpha=0.3)
    if not ts:
        note_no_data(ax)
        fig.tight_layout()
        return fig
    times = column(ts, "time_s")
    hit = [math.nan if v is None else 100 * v for v in column(ts, "uft_hit_rate")]
    handles = []
    if any(not math.isnan(v) for v in hit):
        handles += ax.plot(times, hit, color="C0", marker=".", linewidth=2,
                           label="UFT hit rate")
    else:
        why = "the bridge switch has no UFT" if data["switch"] == "bridge" else "no packets"
        note_no_data(ax, f"no UFT hit rate ({why})")

    ax2 = ax.twinx()
    ax2.set_ylabel("packets per interval")
    counts = []
    for name, label, color, style in (("fast_path_packets", "fast path packets", "C2", "-"),
                                      ("slow_path_packets", "slow path packets", "C3", "-"),
                                      ("drops", "dropped packets", "0.3", "--")):
        values = column(ts, name)
        if name == "drops" and not any(values):
            continue
        handles += ax2.step(times, values, where="post", color=color, linestyle=style,
                            alpha=0.6, linewidth=1, label=label)
        counts += values
    if apply_auto_scale(ax2, counts, axis="y") != "linear":
        ax2.set_ylabel(f"packets per interval ({ax2.get_yscale()} scale)")
    ax.set_zorder(ax2.get_zorder() + 1)  # hit rate drawn over the packet counts
    ax.patch.set_visible(False)
    if handles:
        ax.legend(handles, [h.get_label() for h in handles], loc="upper center",
                  bbox_to_anchor=(0.5, -0.12), ncol=len(handles), fontsize="small")
    fig.tight_layout()
    return fig


def fig_cpu(plt, data):
    hosts = data["host.csv"]
    ts = sorted(data["timeseries.csv"], key=lambda r: r["time_s"])
    fig, (ax_cdf, ax_time) = plt.subplots(1, 2, figsize=(12, 4.8))
    fig.suptitle(f"{title_prefix(data['switch'])}: host CPU utilisation")
    plot_cdf(ax_cdf, [("hosts", [100 * v for v in column(hosts, "cpu_utilisation")])],
             "CPU utilisation (%)", "CDF over hosts", percentiles=(50, 99))

    ax_time.set_title("datacenter CPU utilisation over time")
    ax_time.set_xlabel("time (s)")
    ax_time.set_ylabel("CPU utilisation (%)")
    ax_time.grid(True, alpha=0.3)
    if ts:
        ax_time.plot(column(ts, "time_s"), [100 * v for v in column(ts, "cpu_utilisation")],
                     color="C1", marker=".")
        ax_time.set_ylim(bottom=0)
    else:
        note_no_data(ax_time)
    fig.tight_layout()
    return fig


def fig_throughput(plt, data):
    vms = data["vm.csv"]
    fig, ax = plt.subplots(figsize=(7, 5))
    plot_cdf(ax, [("VMs", column(vms, "throughput_mbps"))],
             "throughput per VM (Mbit/s)",
             f"{title_prefix(data['switch'])}: throughput per VM",
             percentiles=(50, 99))
    fig.tight_layout()
    return fig


FIGURES = (
    ("fct_cdf.png", fig_fct),
    ("active_flows_per_vm_cdf.png", fig_active_flows),
    ("cps_per_vm_cdf.png", fig_cps),
    ("uft_hit_rate.png", fig_uft),
    ("cpu_utilisation.png", fig_cpu),
    ("throughput_per_vm.png", fig_throughput),
)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def import_pyplot():
    try:
        import matplotlib
    except ImportError:
        sys.exit(f"error: matplotlib is not importable by {sys.executable} "
                 "(Debian: apt-get install python3-matplotlib, then run with /usr/bin/python3)")
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "datacenter_plots"
    import matplotlib.pyplot as plt
    return plt


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Draw the PNG figures of a datacenter scenario run into its "
                    "results directory (fct.csv, vm.csv, timeseries.csv, host.csv, "
                    "metrics.json are read from it).")
    parser.add_argument("results_dir", metavar="RESULTS_DIR",
                        help="scenario output directory; figures are written here")
    args = parser.parse_args(argv)

    try:
        data = load_inputs(args.results_dir)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT

    plt = import_pyplot()
    for name, draw in FIGURES:
        path = os.path.join(args.results_dir, name)
        fig = draw(plt, data)
        try:
            fig.savefig(path, dpi=DPI, metadata={"Software": None})
        except OSError as e:
            print(f"error: {path}: cannot write: {e}", file=sys.stderr)
            return 1
        finally:
            plt.close(fig)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
