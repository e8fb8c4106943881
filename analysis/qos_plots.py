#!/usr/bin/env python3
"""Draws the QoS figure of one datacenter run with shaped VMs (--vm-tx-cap,
--vm-rx-cap or set_qos events).

    python3 analysis/qos_plots.py RUN_DIR

Input, in RUN_DIR (written by the C++ datacenter scenario, qos-series.cc; a
header row, extra columns are ignored):

  qos.csv   time_s, vm (its port's name, e.g. vm3), host, tx_mbps (Mbit/s its
            port sent in the interval ending at time_s), tx_cap_mbps (its tx
            cap at time_s, 0: none), tx_share_mbps (its share of the host's
            uplink, 0: not sharing), tx_dropped_bytes and rx_dropped_bytes
            (dropped by its QoS queues in the interval): one row per shaped
            VM per sample interval. The scenario writes no qos.csv when no VM
            was shaped.

Output (PNG, written into RUN_DIR, one line printed):

  qos.png   top: each VM's transmit throughput over time, its tx cap (which
            set_qos may change) a dashed step line of the same colour; the
            VMs drawn are those that sent at least 5 % of the busiest VM's
            bytes (one that only acknowledges falls below), the 8 busiest at
            most (ties by name); bottom: their share of the uplink when any
            has one (reservations, weights), else the bytes their QoS queues
            dropped per interval (stacked bars)

Input checks, messages, exit statuses (0 written, 2 bad input, 1 matplotlib
missing or the figure not written) and reproducible PNGs are those of
plot_support.py (beside this file).
"""
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from plot_support import (  # noqa: E402
    NONNEG, InputError, load_inputs, note_no_data, run)

QOS_CSV = "qos.csv"
SCHEMAS = {
    QOS_CSV: {
        "time_s": ("num", NONNEG), "vm": ("str",), "host": ("num", NONNEG),
        "tx_mbps": ("num", NONNEG), "tx_cap_mbps": ("num", NONNEG),
        "tx_share_mbps": ("num", NONNEG), "tx_dropped_bytes": ("num", NONNEG),
        "rx_dropped_bytes": ("num", NONNEG),
    },
}
MAX_VMS = 8
MIN_SHARE_OF_BUSIEST = 0.05


def row_checker():
    """A check of qos.csv's rows: a VM named, and once per sample time."""
    seen = set()

    def check(row, where):
        if not row["vm"]:
            raise InputError(f"{where}: column vm: empty, a VM's port name is required")
        key = (row["time_s"], row["vm"])
        if key in seen:
            raise InputError(f"{where}: column vm: {row['vm']} appears twice at time_s "
                             f"{row['time_s']:g}")
        seen.add(key)
    return check


def load(run_dir):
    try:
        return load_inputs(run_dir, SCHEMAS, lambda _: {},
                           row_checks={QOS_CSV: row_checker()})
    except InputError as e:
        if str(e).endswith(f"{QOS_CSV}: missing input file"):
            raise InputError(f"{e} (the run shaped no VM: give --vm-tx-cap, --vm-rx-cap "
                             "or set_qos events)") from None
        raise


def natural_key(name):
    """vm2 before vm10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def select_vms(rows):
    """The VMs to draw, busiest first: (vm, host) pairs."""
    sent, host = {}, {}
    for r in rows:
        sent[r["vm"]] = sent.get(r["vm"], 0.0) + r["tx_mbps"]
        host[r["vm"]] = int(r["host"])
    busiest = max(sent.values(), default=0.0)
    if busiest <= 0:
        return [], len(sent)
    busy = [vm for vm, total in sent.items() if total >= MIN_SHARE_OF_BUSIEST * busiest]
    busy.sort(key=lambda vm: (-sent[vm], natural_key(vm)))
    return [(vm, host[vm]) for vm in busy[:MAX_VMS]], len(sent)


def series(rows, times, vm, value):
    """value(row) of vm at each of times; NaN where vm has no row (not shaped then)."""
    at = {r["time_s"]: value(r) for r in rows if r["vm"] == vm}
    return [at.get(t, math.nan) for t in times]


def sample_interval(times):
    """The sampling interval: the smallest gap between sample times (the first time when
    there is one sample, as the series starts at 0)."""
    gaps = [b - a for a, b in zip(times, times[1:]) if b > a]
    return min(gaps) if gaps else times[0] or 1.0


def step_pre(ax, times, interval, values, **style):
    """values[i] held over the interval ending at times[i], the first one included."""
    ax.step([times[0] - interval] + times, values[:1] + values, where="pre", **style)


def draw_throughput(ax, rows, times, interval, chosen, total):
    ax.set_title(f"transmit throughput and tx cap per VM ({len(chosen)} of {total} shaped "
                 "VMs: the busiest by bytes sent)")
    ax.set_ylabel("transmit throughput (Mbit/s)")
    ax.grid(True, alpha=0.3)
    if not chosen:
        note_no_data(ax, "no shaped VM sent anything")
        return
    for i, (vm, host) in enumerate(chosen):
        color = f"C{i}"
        ax.plot(times, series(rows, times, vm, lambda r: r["tx_mbps"]), color=color,
                marker=".", linewidth=1.5, label=f"{vm} (host {host})")
        caps = series(rows, times, vm, lambda r: r["tx_cap_mbps"] or math.nan)
        step_pre(ax, times, interval, caps, color=color, linestyle="--", linewidth=1.2,
                 alpha=0.8)
    ax.plot([], [], color="0.3", linestyle="--", label="its tx cap (dashed)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")


def draw_share(ax, rows, times, interval, chosen):
    ax.set_title("share of the host's uplink (reservations and weights; "
                 "re-allocated every share interval)")
    ax.set_ylabel("tx share of the uplink (Mbit/s)")
    for i, (vm, host) in enumerate(chosen):
        shares = series(rows, times, vm, lambda r: r["tx_share_mbps"])
        if any(v > 0 for v in shares if not math.isnan(v)):
            step_pre(ax, times, interval, [v or math.nan for v in shares], color=f"C{i}",
                     linewidth=1.5, label=f"{vm} (host {host})")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")


def draw_drops(ax, rows, times, interval, chosen):
    dropped = sum(r["tx_dropped_bytes"] + r["rx_dropped_bytes"] for r in rows)
    ax.set_title(f"QoS queue drops, tx + rx (all shaped VMs: {dropped / 1e3:.1f} kB in all)")
    ax.set_ylabel(f"dropped per {interval * 1e3:g} ms interval (kB, stacked)")
    drawn = False
    stacked = [0.0] * len(times)
    for i, (vm, host) in enumerate(chosen):
        drops = series(rows, times, vm,
                       lambda r: (r["tx_dropped_bytes"] + r["rx_dropped_bytes"]) / 1e3)
        drops = [0.0 if math.isnan(v) else v for v in drops]
        if any(v > 0 for v in drops):
            ax.bar([t - interval / 2 for t in times], drops, width=0.9 * interval,
                   bottom=stacked, color=f"C{i}", label=f"{vm} (host {host})")
            stacked = [a + b for a, b in zip(stacked, drops)]
            drawn = True
    if drawn:
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    else:
        note_no_data(ax, "no QoS drops by the VMs drawn")


def figure(plt, data):
    rows = data[QOS_CSV]
    times = sorted({r["time_s"] for r in rows})
    interval = sample_interval(times) if times else 0.0
    chosen, total = select_vms(rows)
    fig, (ax_tx, ax_low) = plt.subplots(2, 1, figsize=(12, 8), sharex=True,
                                        gridspec_kw={"height_ratios": (3, 2)})
    fig.suptitle("VFP QoS: per-VM transmit caps (paper §7.3)")
    draw_throughput(ax_tx, rows, times, interval, chosen, total)
    if any(r["tx_share_mbps"] > 0 for r in rows if r["vm"] in dict(chosen)):
        draw_share(ax_low, rows, times, interval, chosen)
    else:
        draw_drops(ax_low, rows, times, interval, chosen)
    ax_low.grid(True, alpha=0.3)
    ax_low.set_xlabel("simulated time (s; each point: the sample interval ending then)")
    fig.tight_layout()
    return fig


def main(argv=None):
    return run(argv, "Draw qos.png from a datacenter run's qos.csv, into RUN_DIR.", load,
               [("qos.png", figure)], "qos_plots")


if __name__ == "__main__":
    sys.exit(main())
