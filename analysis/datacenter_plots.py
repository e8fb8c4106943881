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
                  slow_path_packets,uft_hit_rate,cpu_utilisation,drops,
                  cpu_core_max,queue_delay_p99_us,connections,unified_flows,
                  layer_flows,state_bytes (then per-host columns, unused)
                  one row per sampling interval, datacenter totals;
                  uft_hit_rate is in [0,1], or empty when there were no packets
  host.csv        host,vms,tx_bytes,rx_bytes,uft_hit_rate,slow_path_fraction,
                  cpu_utilisation,held_packets,dropped_packets
  metrics.json    JSON object; only ["scenario"]["switch"] (string) and
                  ["summary"] (object) are used, for titles and annotations,
                  and with capacity.csv ["capacity"]["knee"]: null (no knee)
                  or an object with "step" (integer, a step of capacity.csv)
                  and "by" (string: the criterion, cpu_overload or setup_p99)

Only when it is there (a --workload capacity run writes it):

  capacity.csv    step,offered_cps,attempted,completed,setup_p50_us,
                  setup_p99_us,cpu_overload_drops,cpu_utilisation
                  one row per ramp step; step a whole number, offered_cps
                  (per host) > 0; setup_* (µs, > 0) both empty when no
                  connection was established in the step

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
                                datacenter CPU utilisation and busiest core
                                over time
  vfp_state.png                 VFP state over time: connections, unified and
                                layer flows, and the state bytes estimate
  throughput_per_vm.png         CDF over VMs of throughput (Mbit/s)
  capacity.png                  with capacity.csv only: connection set-up p50
                                and p99 against offered connections per
                                second per host (log-log), CPU utilisation and
                                cpu_overload drops per step on right-hand
                                axes, the knee step marked

Empty tables give figures with a "no data" note. Input checks, messages, exit
statuses and reproducible PNGs are those of plot_support.py (beside this file).
"""
import math
import os
import sys

# plot_support.py lies beside this script: look for it there first, whatever
# the working directory or the way Python was started (-I, -P).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from plot_support import (  # noqa: E402
    NONNEG, UNIT, InputError, apply_auto_scale, cdf_points, column, fmt,
    load_inputs, note_no_data, percentile, plot_cdf, read_metrics_json, run,
    switch_title)

DESCRIPTION = ("Draw the PNG figures of a datacenter scenario run into its "
               "results directory (fct.csv, vm.csv, timeseries.csv, host.csv, "
               "metrics.json, and capacity.csv when there, are read from it).")


# --------------------------------------------------------------------------
# Input schema and loading (column specs: see plot_support.parse_cell)
# --------------------------------------------------------------------------

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
        "drops": ("num", NONNEG), "cpu_core_max": ("num", NONNEG),
        "queue_delay_p99_us": ("num", NONNEG), "connections": ("num", NONNEG),
        "unified_flows": ("num", NONNEG), "layer_flows": ("num", NONNEG),
        "state_bytes": ("num", NONNEG),
    },
    "host.csv": {
        "host": ("str",), "vms": ("num", NONNEG),
        "tx_bytes": ("num", NONNEG), "rx_bytes": ("num", NONNEG),
        "uft_hit_rate": ("num?", UNIT), "slow_path_fraction": ("num?", UNIT),
        "cpu_utilisation": ("num", NONNEG), "held_packets": ("num", NONNEG),
        "dropped_packets": ("num", NONNEG),
    },
}

# Written by --workload capacity only; read, and drawn, when it is there.
CAPACITY = "capacity.csv"
CAPACITY_SCHEMA = {
    "step": ("num", NONNEG), "offered_cps": ("num", NONNEG),
    "attempted": ("num", NONNEG), "completed": ("num", NONNEG),
    "setup_p50_us": ("num?", NONNEG), "setup_p99_us": ("num?", NONNEG),
    "cpu_overload_drops": ("num", NONNEG), "cpu_utilisation": ("num", NONNEG),
}
SETUP_COLUMNS = ("setup_p50_us", "setup_p99_us")


def check_capacity_row(row, where):
    if row["step"] != int(row["step"]):
        raise InputError(f"{where}: column step: {row['step']:g} is not a whole number")
    if row["offered_cps"] <= 0:
        raise InputError(f"{where}: column offered_cps: {row['offered_cps']:g} is out of "
                         "range (must be > 0: the x axis is logarithmic)")
    blank = [c for c in SETUP_COLUMNS if row[c] is None]
    if len(blank) == 1:
        raise InputError(f"{where}: column {blank[0]}: empty value, but the other set-up "
                         "percentile is not (both are empty when none was established)")
    for c in SETUP_COLUMNS:
        if row[c] is not None and row[c] <= 0:
            raise InputError(f"{where}: column {c}: {row[c]:g} is out of range "
                             "(must be > 0: the y axis is logarithmic)")


# Checks on a whole parsed row, by file.
ROW_CHECKS = {CAPACITY: check_capacity_row}


def read_knee(path, metrics):
    """metrics["capacity"]["knee"]: None, or a dict with step (int) and by."""
    section = metrics.get("capacity")
    if not isinstance(section, dict) or "knee" not in section:
        raise InputError(f"{path}: missing key capacity.knee (null or an object; "
                         f"required with {CAPACITY})")
    knee = section["knee"]
    if knee is None:
        return None
    if not isinstance(knee, dict):
        raise InputError(f"{path}: capacity.knee: {knee!r} is not null or an object")
    step, by = knee.get("step"), knee.get("by")
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise InputError(f"{path}: capacity.knee.step: {step!r} is not a step "
                         "(an integer >= 0)")
    if not isinstance(by, str):
        raise InputError(f"{path}: capacity.knee.by: {by!r} is not a string (the criterion)")
    return {"step": step, "by": by}


def read_metrics(results_dir, capacity):
    """switch and summary from RESULTS_DIR/metrics.json, and with capacity
    the knee of the capacity ramp."""
    path, metrics, switch = read_metrics_json(results_dir)
    summary = metrics.get("summary")
    if not isinstance(summary, dict):
        raise InputError(f"{path}: missing key summary (an object)")
    entries = {"switch": switch, "summary": summary}
    if capacity:
        entries["knee"] = read_knee(path, metrics)
    return entries


# --------------------------------------------------------------------------
# Annotation helpers
# --------------------------------------------------------------------------

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
    fig.suptitle(f"{switch_title(data['switch'])}: flow completion time")

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


def vm_cdf_figure(plt, data, series, xlabel, what):
    """One panel of CDFs over VMs, p50/p99 in the legend.

    series: (label, vm.csv column) pairs; what: the title after the switch."""
    vms = data["vm.csv"]
    fig, ax = plt.subplots(figsize=(7, 5))
    plot_cdf(ax, [(label, column(vms, name)) for label, name in series], xlabel,
             f"{switch_title(data['switch'])}: {what}", percentiles=(50, 99))
    fig.tight_layout()
    return fig


def fig_active_flows(plt, data):
    return vm_cdf_figure(plt, data, [("mean active flows", "mean_active_flows"),
                                     ("peak active flows", "peak_active_flows")],
                         "active flows per VM", "active flows per VM")


def fig_cps(plt, data):
    return vm_cdf_figure(plt, data, [("VMs", "cps")],
                         "new connections per second per VM (conn/s)",
                         "connections per second per VM")


def fig_uft(plt, data):
    ts = sorted(data["timeseries.csv"], key=lambda r: r["time_s"])
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.set_title(f"{switch_title(data['switch'])}: UFT hit rate over time")
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
    fig.suptitle(f"{switch_title(data['switch'])}: host CPU utilisation")
    plot_cdf(ax_cdf, [("hosts", [100 * v for v in column(hosts, "cpu_utilisation")])],
             "CPU utilisation (%)", "CDF over hosts", percentiles=(50, 99))

    ax_time.set_title("datacenter CPU utilisation over time")
    ax_time.set_xlabel("time (s)")
    ax_time.set_ylabel("CPU utilisation (%)")
    ax_time.grid(True, alpha=0.3)
    if ts:
        times = column(ts, "time_s")
        ax_time.plot(times, [100 * v for v in column(ts, "cpu_utilisation")],
                     color="C1", marker=".", label="all cores")
        ax_time.plot(times, [100 * v for v in column(ts, "cpu_core_max")],
                     color="C3", linewidth=1, label="busiest core")
        ax_time.set_ylim(bottom=0)
        ax_time.legend(fontsize="small")
    else:
        note_no_data(ax_time)
    fig.tight_layout()
    return fig


def fig_state(plt, data):
    ts = sorted(data["timeseries.csv"], key=lambda r: r["time_s"])
    fig, (ax_count, ax_bytes) = plt.subplots(1, 2, figsize=(12, 4.8))
    fig.suptitle(f"{switch_title(data['switch'])}: flow state over time (all hosts)")
    for ax in (ax_count, ax_bytes):
        ax.set_xlabel("time (s)")
        ax.grid(True, alpha=0.3)
    ax_count.set_ylabel("entries")
    ax_bytes.set_ylabel("state (MiB, estimated)")
    if not ts or not any(column(ts, "connections")):
        note_no_data(ax_count)
        note_no_data(ax_bytes)
    else:
        times = column(ts, "time_s")
        for name, label, style in (("connections", "connections", "-"),
                                   ("unified_flows", "unified flows", "-"),
                                   ("layer_flows", "layer flows", "--")):
            ax_count.plot(times, column(ts, name), style, label=label)
        ax_count.set_ylim(bottom=0)
        ax_count.legend(fontsize="small")
        ax_bytes.plot(times, [v / 2**20 for v in column(ts, "state_bytes")], color="C4")
        ax_bytes.set_ylim(bottom=0)
    fig.tight_layout()
    return fig


def fig_throughput(plt, data):
    return vm_cdf_figure(plt, data, [("VMs", "throughput_mbps")],
                         "throughput per VM (Mbit/s)", "throughput per VM")


def cps_label(x):
    """Connections per second as a tick label: 4k, 11.9k, 1.2M."""
    for div, suffix in ((1e6, "M"), (1e3, "k")):
        if x >= div:
            return f"{x / div:.3g}{suffix}"
    return f"{x:.3g}"


MAX_CPS_TICKS = 12  # more steps than this: log ticks, not one per step
KNEE_CRITERIA = {"cpu_overload": "the first step with cpu_overload drops",
                 "setup_p99": "set-up p99 far above the first step's"}
HEADROOM = 1.25  # axes reach this far above their data: room for the knee's label


def fig_capacity(plt, data):
    steps = sorted(data[CAPACITY], key=lambda r: r["step"])
    knee = data["knee"]
    fig, ax = plt.subplots(figsize=(10, 5.5))
    ax.set_title(f"{switch_title(data['switch'])}: connection set-up against offered "
                 "load (capacity ramp)")
    ax.set_xlabel("offered new connections per second per host (log)")
    ax.set_ylabel("connection set-up, SYN to established (µs, log)")
    if not steps:
        note_no_data(ax, "no ramp steps")
        fig.tight_layout()
        return fig
    offered = column(steps, "offered_cps")
    ax.set_xscale("log")
    if len(offered) <= MAX_CPS_TICKS:
        ax.set_xticks(offered, [cps_label(x) for x in offered])
        ax.xaxis.set_minor_locator(plt.NullLocator())
    ax.grid(True, which="both", alpha=0.3)

    handles = []
    for name, label, color, marker in (("setup_p50_us", "set-up p50", "C0", "o"),
                                       ("setup_p99_us", "set-up p99", "C3", "s")):
        values = [math.nan if v is None else v for v in column(steps, name)]
        handles += ax.plot(offered, values, color=color, marker=marker, linewidth=2,
                           label=label, zorder=3)
    none = [r["offered_cps"] for r in steps if r["setup_p50_us"] is None]
    if len(none) == len(steps):
        note_no_data(ax, "no connection established in any step")
        ax.set_yticks([])
    else:
        ax.set_yscale("log")
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi * (hi / lo) ** (HEADROOM - 1))
        if none:  # on the x axis: no set-up latency to draw for these steps
            handles += ax.plot(none, [0.03] * len(none), linestyle="none", marker="x",
                               markersize=8, color="0.2", transform=ax.get_xaxis_transform(),
                               clip_on=False, zorder=3, label="none established")

    ax_cpu = ax.twinx()
    cpu = [100 * v for v in column(steps, "cpu_utilisation")]
    handles += ax_cpu.plot(offered, cpu, color="C1", marker="^", linestyle="--",
                           label="CPU utilisation (all hosts)")
    ax_cpu.axhline(100, color="C1", linewidth=0.8, linestyle=":")
    ax_cpu.set_ylim(0, HEADROOM * max(100, max(cpu)))
    ax_cpu.set_ylabel("CPU utilisation (%)", color="C1")

    drops = column(steps, "cpu_overload_drops")
    if any(drops):
        ax_drops = ax.twinx()
        ax_drops.spines.right.set_position(("axes", 1.1))
        # Bars a quarter of the narrowest gap wide each side, in log x.
        ratios = [b / a for a, b in zip(offered, offered[1:]) if b > a]
        half = min(ratios) ** 0.25 if ratios else 1.15
        bars = ax_drops.bar([x / half for x in offered], drops,
                            width=[x * (half - 1 / half) for x in offered], align="edge",
                            color="0.45", alpha=0.35, label="cpu_overload drops")
        ax_drops.bar_label(bars, labels=[f"{d:,.0f}" if d else "" for d in drops],
                           fontsize="small", color="0.3")
        ax_drops.set_ylim(0, HEADROOM * max(drops))
        ax_drops.set_ylabel("cpu_overload drops per step (packets)", color="0.3")
        handles.append(bars)
    ax.set_zorder(ax_cpu.get_zorder() + 2)  # set-up latency drawn over the rest
    ax.patch.set_visible(False)

    if knee is None:
        ax.text(0.02, 0.97, "no knee within the ramp", transform=ax.transAxes,
                ha="left", va="top", fontsize="small", color="0.3")
    else:
        index = [r["step"] for r in steps].index(knee["step"])
        x = offered[index]
        handles.append(ax.axvline(x, color="k", linestyle="-.", linewidth=1.2,
                                  label="knee"))
        left = index >= len(steps) / 2  # the text on the side with more room
        ax.annotate(f"knee: step {knee['step']}, {cps_label(x)} conn/s per host\n"
                    f"({KNEE_CRITERIA.get(knee['by'], knee['by'])})",
                    (x, 0.97), xycoords=ax.get_xaxis_transform(),
                    xytext=(-6 if left else 6, 0), textcoords="offset points",
                    ha="right" if left else "left", va="top", fontsize="small",
                    bbox=dict(facecolor="white", edgecolor="0.8", boxstyle="round"))
    ax.legend(handles, [h.get_label() for h in handles], loc="upper center",
              bbox_to_anchor=(0.5, -0.14), ncol=len(handles), fontsize="small")
    fig.tight_layout()
    return fig


FIGURES = (
    ("fct_cdf.png", fig_fct),
    ("active_flows_per_vm_cdf.png", fig_active_flows),
    ("cps_per_vm_cdf.png", fig_cps),
    ("uft_hit_rate.png", fig_uft),
    ("cpu_utilisation.png", fig_cpu),
    ("vfp_state.png", fig_state),
    ("throughput_per_vm.png", fig_throughput),
)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def load(results_dir):
    capacity = os.path.exists(os.path.join(results_dir, CAPACITY))
    schemas = {**SCHEMAS, CAPACITY: CAPACITY_SCHEMA} if capacity else SCHEMAS
    data = load_inputs(results_dir, schemas, lambda d: read_metrics(d, capacity),
                       row_checks=ROW_CHECKS)
    knee = data.get("knee")
    if knee is not None and knee["step"] not in column(data[CAPACITY], "step"):
        raise InputError(f"{os.path.join(results_dir, 'metrics.json')}: capacity.knee.step: "
                         f"{knee['step']} is not a step of "
                         f"{os.path.join(results_dir, CAPACITY)}")
    return data


def figures(data):
    """The figures of every run, and capacity.png for a capacity run."""
    return FIGURES + ((("capacity.png", fig_capacity),) if CAPACITY in data else ())


def main(argv=None):
    return run(argv, DESCRIPTION, load, figures, hashsalt="datacenter_plots")


if __name__ == "__main__":
    sys.exit(main())
