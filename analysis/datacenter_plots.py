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
                                datacenter CPU utilisation and busiest core
                                over time
  vfp_state.png                 VFP state over time: connections, unified and
                                layer flows, and the state bytes estimate
  throughput_per_vm.png         CDF over VMs of throughput (Mbit/s)

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
               "metrics.json are read from it).")


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


def read_metrics(results_dir):
    """switch and summary from RESULTS_DIR/metrics.json."""
    path, metrics, switch = read_metrics_json(results_dir)
    summary = metrics.get("summary")
    if not isinstance(summary, dict):
        raise InputError(f"{path}: missing key summary (an object)")
    return {"switch": switch, "summary": summary}


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
    return load_inputs(results_dir, SCHEMAS, read_metrics)


def main(argv=None):
    return run(argv, DESCRIPTION, load, FIGURES, hashsalt="datacenter_plots")


if __name__ == "__main__":
    sys.exit(main())
