#!/usr/bin/env python3
"""Draws the Ananta load-balancing figures of a datacenter scenario run.

    python3 analysis/ananta_plots.py RESULTS_DIR

Inputs (all in RESULTS_DIR, written by the C++ datacenter scenario when it runs
with Ananta load balancing, i.e. --muxes N --vips M; CSV files have a header
row, extra columns are ignored):

  vip.csv           vip,tenant,dips,connections_started,connections_completed,
                    connections_failed,response_bytes
                    one row per VIP; vip is dotted IPv4 text (203.0.113.1)
  dip.csv           vip,dip_vm,host,ca,mux_flows,served
                    one row per DIP: the VIP it is behind, its VM (vm12), host
                    index, customer address, new flows the Muxes sent it and
                    responses it served
  mux.csv           mux,packets,bytes,return_packets,unknown
                    one row per Mux; return_packets should be 0 (DSR)
  snat.csv          time_s,vm,host,lo,hi,latency_us
                    one row per SNAT port range [lo, hi] granted to a host after
                    a port exhaustion event; may be header-only
  client_setup.csv  flow,client,setup_us
                    one row per established external client connection; may be
                    header-only
  metrics.json      JSON object; only ["scenario"]["switch"] (string) and
                    ["ananta"] (object) are used. From "ananta":
                    bytes_through_muxes, bytes_direct_server_return (numbers
                    >= 0), snat_failures and client_failures (objects
                    reason -> count, possibly empty); other keys are ignored.
                    A run without "ananta" had no load balancing (--muxes 0)
                    and is rejected.

Outputs (PNG, written into RESULTS_DIR, one line printed per figure):

  ananta_load_spread.png  new connections per DIP (mux_flows) coloured by VIP
                          with each VIP's mean as a dashed line, and
                          connections started per VIP
  ananta_mux_vs_dsr.png   bytes through the Muxes vs bytes returned by Direct
                          Server Return (DSR share in percent), and bytes per
                          Mux with its return_packets annotated
  ananta_snat.png         cumulative SNAT port ranges granted over time, and
                          the CDF of grant latency (µs)
  ananta_setup_cdf.png    CDF of client connection setup time (µs; log x when
                          the values span >= 2 decades), p50/p99 in the legend
  ananta_failures.png     failed connections by reason: client_failures and
                          snat_failures side by side

Empty tables give figures with a "no data" note. Input checks, messages, exit
statuses and reproducible PNGs are those of plot_support.py (beside this file).
"""
import ipaddress
import math
import os
import re
import sys

# plot_support.py lies beside this script: look for it there first, whatever
# the working directory or the way Python was started (-I, -P).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from plot_support import (  # noqa: E402
    NONNEG, InputError, column, fmt, load_inputs, note_no_data, plot_cdf,
    read_metrics_json, run, switch_title)

DESCRIPTION = ("Draw the Ananta load-balancing PNG figures of a datacenter "
               "scenario run into its results directory (vip.csv, dip.csv, "
               "mux.csv, snat.csv, client_setup.csv, metrics.json are read "
               "from it).")

MAX_TICK_LABELS = 48   # more bars than this: no per-bar tick labels
MAX_LEGEND_VIPS = 12   # more VIPs than this: the legend is cut short
MAX_BAR_LABELS = 16    # more Muxes than this: only non-zero return counts shown


class NoAnantaError(InputError):
    """metrics.json has no "ananta" object: the run had no load balancing."""


# --------------------------------------------------------------------------
# Input schema and loading
# --------------------------------------------------------------------------

# Column specs: see plot_support.parse_cell.
PORT = (0.0, 65535.0)

SCHEMAS = {
    "vip.csv": {
        "vip": ("str",), "tenant": ("str",), "dips": ("num", NONNEG),
        "connections_started": ("num", NONNEG),
        "connections_completed": ("num", NONNEG),
        "connections_failed": ("num", NONNEG),
        "response_bytes": ("num", NONNEG),
    },
    "dip.csv": {
        "vip": ("str",), "dip_vm": ("str",), "host": ("num", NONNEG),
        "ca": ("str",), "mux_flows": ("num", NONNEG), "served": ("num", NONNEG),
    },
    "mux.csv": {
        "mux": ("num", NONNEG), "packets": ("num", NONNEG),
        "bytes": ("num", NONNEG), "return_packets": ("num", NONNEG),
        "unknown": ("num", NONNEG),
    },
    "snat.csv": {
        "time_s": ("num", NONNEG), "vm": ("str",), "host": ("num", NONNEG),
        "lo": ("num", PORT), "hi": ("num", PORT), "latency_us": ("num", NONNEG),
    },
    "client_setup.csv": {
        "flow": ("str",), "client": ("num", NONNEG), "setup_us": ("num", NONNEG),
    },
}


def check_snat_row(row, where):
    if row["lo"] > row["hi"]:
        raise InputError(f"{where}: port range lo {row['lo']:g} > hi {row['hi']:g}")


# Checks on a whole parsed row, by file.
ROW_CHECKS = {"snat.csv": check_snat_row}


def is_number(value):
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def read_reason_counts(path, ananta, key):
    """ananta[key] as a dict reason -> count (non-negative number)."""
    counts = ananta.get(key)
    if not isinstance(counts, dict):
        raise InputError(f"{path}: missing key ananta.{key} "
                         "(an object reason -> count, possibly empty)")
    for reason, count in counts.items():
        if not is_number(count) or count < 0:
            raise InputError(f"{path}: ananta.{key}.{reason}: {count!r} is not "
                             "a non-negative number")
    return dict(counts)


def read_metrics(results_dir):
    """switch and ananta from RESULTS_DIR/metrics.json.

    ananta holds the four keys the figures use, checked."""
    path, metrics, switch = read_metrics_json(results_dir)
    if "ananta" not in metrics:
        raise NoAnantaError(f"{path}: no key ananta: the run had no Ananta load "
                            "balancing (--muxes 0), so there is nothing to draw")
    ananta = metrics["ananta"]
    if not isinstance(ananta, dict):
        raise InputError(f"{path}: key ananta must be a JSON object")
    checked = {}
    for key in ("bytes_through_muxes", "bytes_direct_server_return"):
        value = ananta.get(key)
        if not is_number(value) or value < 0:
            raise InputError(f"{path}: ananta.{key} must be a number >= 0, "
                             f"got {value!r}")
        checked[key] = value
    for key in ("snat_failures", "client_failures"):
        checked[key] = read_reason_counts(path, ananta, key)
    return {"switch": switch, "ananta": checked}


# --------------------------------------------------------------------------
# Number formatting and ordering helpers
# --------------------------------------------------------------------------

def byte_unit(largest):
    """(name, divisor) of the decimal unit that suits values up to largest."""
    for name, div in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if largest >= div:
            return name, div
    return "bytes", 1.0


def fmt_bytes(x):
    name, div = byte_unit(x)
    return f"{x / div:.3g} {name}" if div > 1 else f"{x:g} bytes"


def natural_key(text):
    """Sort key ordering 'vm2' before 'vm10'."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", text) if part]


def vip_key(vip):
    """Sort key: IPv4 addresses numerically, anything else after, by name."""
    try:
        return (0, int(ipaddress.IPv4Address(vip)), vip)
    except ValueError:
        return (1, 0, vip)


def vip_colors(plt, vips):
    """Colour per VIP (sorted), cycling a qualitative colour map."""
    cmap = plt.get_cmap("tab10" if len(vips) <= 10 else "tab20")
    return {vip: cmap(i % cmap.N) for i, vip in enumerate(sorted(vips, key=vip_key))}


# --------------------------------------------------------------------------
# Drawing helpers
# --------------------------------------------------------------------------

def label_bars(ax, bars, labels, color="0.2"):
    """Writes one label above each bar."""
    for bar, text in zip(bars, labels):
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    xytext=(0, 2), textcoords="offset points", ha="center",
                    va="bottom", fontsize="x-small", color=color, zorder=5,
                    bbox=dict(facecolor="white", edgecolor="none", pad=1.0))


def integer_ticks(axis):
    """Ticks at whole numbers only, for counts."""
    from matplotlib.ticker import MaxNLocator  # matplotlib is loaded by now
    axis.set_major_locator(MaxNLocator(integer=True))


def set_bar_ticks(ax, labels, what):
    """Per-bar tick labels, or none (and a count in the x label) when crowded."""
    if len(labels) <= MAX_TICK_LABELS:
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, rotation=90 if len(labels) > 8 else 0,
                           fontsize="small" if len(labels) > 16 else None)
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{ax.get_xlabel()} ({len(labels)} {what}, labels omitted)")


def title_prefix(switch):
    return f"{switch_title(switch)} + Ananta"


# --------------------------------------------------------------------------
# Figures: each returns a matplotlib Figure
# --------------------------------------------------------------------------

def draw_dip_spread(ax, dips, colors):
    """Bars of mux_flows per DIP grouped by VIP, with each VIP's mean."""
    ax.set_title("new connections per DIP (sent by the Muxes)")
    ax.set_xlabel("DIP VM, grouped by VIP")
    ax.set_ylabel("new connections (mux_flows)")
    ax.grid(True, axis="y", alpha=0.3)
    if not dips:
        note_no_data(ax, "no DIPs")
        return
    order = sorted(dips, key=lambda r: (vip_key(r["vip"]), natural_key(r["dip_vm"])))
    handles = []
    start = 0
    while start < len(order):
        vip = order[start]["vip"]
        end = start
        while end < len(order) and order[end]["vip"] == vip:
            end += 1
        flows = column(order[start:end], "mux_flows")
        mean = sum(flows) / len(flows)
        spread = f", max/mean {max(flows) / mean:.2f}" if mean > 0 else ""
        bars = ax.bar(range(start, end), flows, color=colors[vip], width=0.8,
                      label=f"{vip}: {len(flows)} DIPs, mean {fmt(mean)}{spread}")
        ax.hlines(mean, start - 0.45, end - 0.55, colors="0.15", linestyles="--",
                  linewidth=1.2)
        handles.append(bars)
        start = end
    set_bar_ticks(ax, [r["dip_vm"] for r in order], "DIPs")
    ax.set_xlim(-0.7, len(order) - 0.3)
    ax.set_ylim(bottom=0)
    integer_ticks(ax.yaxis)
    shown = handles[:MAX_LEGEND_VIPS]
    labels = [h.get_label() for h in shown]
    if len(handles) > len(shown):
        labels[-1] += f"  (+{len(handles) - len(shown)} more VIPs)"
    ax.legend(shown, labels, loc="upper center", bbox_to_anchor=(0.5, -0.28),
              ncol=2 if len(shown) > 4 else 1, fontsize="x-small",
              title="VIP (dashed line: mean over its DIPs)", title_fontsize="x-small")


def draw_vip_connections(ax, vips, colors):
    """Bars of connections started per VIP; failures written above."""
    ax.set_title("connections per VIP")
    ax.set_xlabel("VIP")
    ax.set_ylabel("connections started")
    ax.grid(True, axis="y", alpha=0.3)
    if not vips:
        note_no_data(ax, "no VIPs")
        return
    order = sorted(vips, key=lambda r: vip_key(r["vip"]))
    started = column(order, "connections_started")
    bars = ax.bar(range(len(order)), started, width=0.8,
                  color=[colors[r["vip"]] for r in order])
    label_bars(ax, bars, [f"{r['connections_failed']:g} failed"
                          if r["connections_failed"] else "" for r in order],
               color="C3")
    mean = sum(started) / len(started)
    ax.axhline(mean, color="0.15", linestyle="--", linewidth=1.2,
               label=f"mean {fmt(mean)} per VIP")
    set_bar_ticks(ax, [r["vip"] for r in order], "VIPs")
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower right", fontsize="small")


def fig_load_spread(plt, data):
    dips, vips = data["dip.csv"], data["vip.csv"]
    colors = vip_colors(plt, {r["vip"] for r in dips} | {r["vip"] for r in vips})
    fig, (ax_dip, ax_vip) = plt.subplots(
        1, 2, figsize=(13, 6), gridspec_kw={"width_ratios": (2, 1)})
    fig.suptitle(f"{title_prefix(data['switch'])}: load spread over DIPs and VIPs")
    draw_dip_spread(ax_dip, dips, colors)
    draw_vip_connections(ax_vip, vips, colors)
    fig.tight_layout()
    return fig


def draw_mux_vs_dsr(ax, ananta):
    through_mux = ananta["bytes_through_muxes"]
    dsr = ananta["bytes_direct_server_return"]
    total = through_mux + dsr
    ax.set_ylabel("bytes")
    ax.grid(True, axis="y", alpha=0.3)
    if total <= 0:
        ax.set_title("Mux vs Direct Server Return bytes")
        note_no_data(ax, "no bytes")
        return
    unit, div = byte_unit(max(through_mux, dsr))
    ax.set_ylabel(f"bytes ({unit})" if div > 1 else "bytes")
    bars = ax.bar([0, 1], [through_mux / div, dsr / div], width=0.6,
                  color=["C0", "C2"])
    label_bars(ax, bars, [f"{fmt_bytes(through_mux)} ({100 * through_mux / total:.1f} %)",
                          f"{fmt_bytes(dsr)} ({100 * dsr / total:.1f} %)"])
    ax.set_xticks([0, 1])
    ax.set_xticklabels(["through Muxes\n(inbound)",
                        "Direct Server Return\n(outbound, bypasses Muxes)"])
    ax.set_title(f"DSR share of load-balanced bytes: {100 * dsr / total:.1f} %")
    ax.set_ylim(0, max(through_mux, dsr) / div * 1.12)


def draw_per_mux(ax, muxes):
    ax.set_title("bytes per Mux (\"ret\": return packets via the Mux, expected 0)")
    ax.set_xlabel("Mux")
    ax.grid(True, axis="y", alpha=0.3)
    if not muxes:
        ax.set_ylabel("bytes")
        note_no_data(ax, "no Muxes")
        return
    order = sorted(muxes, key=lambda r: r["mux"])
    unit, div = byte_unit(max(column(order, "bytes")))
    ax.set_ylabel(f"bytes ({unit})" if div > 1 else "bytes")
    returned = column(order, "return_packets")
    bars = ax.bar(range(len(order)), [r["bytes"] / div for r in order], width=0.8,
                  color=["C3" if v else "C0" for v in returned])
    crowded = len(order) > MAX_BAR_LABELS  # then label only the non-zero ones
    label_bars(ax, bars, [f"ret {v:g}" if v or not crowded else "" for v in returned],
               color="C3" if crowded else "0.2")
    mean = sum(column(order, "bytes")) / len(order) / div
    ax.axhline(mean, color="0.15", linestyle="--", linewidth=1.2,
               label=f"mean {fmt(mean)} {unit} per Mux")
    set_bar_ticks(ax, [f"{r['mux']:g}" for r in order], "Muxes")
    top = max(r["bytes"] for r in order) / div
    ax.set_ylim(0, top * 1.2 if top > 0 else 1)
    if any(returned):
        note, color = (f"{sum(returned):g} return packet(s) went through Muxes "
                       "(DSR expects 0)", "C3")
    else:
        note, color = "return packets: 0 on every Mux", "0.3"
    ax.annotate(note, (0.02, 0.98), xycoords="axes fraction", va="top",
                fontsize="small", color=color, zorder=6,
                bbox=dict(facecolor="white", edgecolor="0.8", boxstyle="round"))
    ax.legend(loc="lower right", fontsize="small")


def fig_mux_vs_dsr(plt, data):
    fig, (ax_split, ax_mux) = plt.subplots(1, 2, figsize=(12, 5))
    fig.suptitle(f"{title_prefix(data['switch'])}: traffic through Muxes vs "
                 "Direct Server Return")
    draw_mux_vs_dsr(ax_split, data["ananta"])
    draw_per_mux(ax_mux, data["mux.csv"])
    fig.tight_layout()
    return fig


def fig_snat(plt, data):
    grants = sorted(data["snat.csv"], key=lambda r: r["time_s"])
    fig, (ax_time, ax_cdf) = plt.subplots(1, 2, figsize=(12, 4.8))
    fig.suptitle(f"{title_prefix(data['switch'])}: SNAT port ranges granted")
    ax_time.set_title("SNAT port ranges granted over time")
    ax_time.set_xlabel("time (s)")
    ax_time.set_ylabel("port ranges granted (cumulative)")
    ax_time.grid(True, alpha=0.3)
    if grants:
        times = column(grants, "time_s")
        counts = list(range(1, len(grants) + 1))
        ports = sum(r["hi"] - r["lo"] + 1 for r in grants)
        hosts = len({r["host"] for r in grants})
        ax_time.step([times[0]] + times, [0] + counts, where="post", color="C0",
                     label=f"{len(grants)} ranges, {ports:g} ports, {hosts} host(s)")
        ax_time.set_ylim(bottom=0)
        integer_ticks(ax_time.yaxis)
        ax_time.legend(loc="lower right", fontsize="small")
    else:
        note_no_data(ax_time, "no SNAT ranges granted")
    plot_cdf(ax_cdf, [("grants", column(grants, "latency_us"))],
             "grant latency (µs)", "SNAT grant latency", percentiles=(50, 99),
             empty="no SNAT ranges granted")
    fig.tight_layout()
    return fig


def fig_setup(plt, data):
    setups = column(data["client_setup.csv"], "setup_us")
    fig, ax = plt.subplots(figsize=(7, 5))
    plot_cdf(ax, [("client connections", setups)], "connection setup time (µs)",
             f"{title_prefix(data['switch'])}: client connection setup time",
             percentiles=(50, 99), empty="no client connections established")
    fig.tight_layout()
    return fig


def draw_reasons(ax, counts, title, color, empty="none"):
    """Horizontal bars of count per failure reason (largest on top)."""
    ax.set_title(title)
    ax.set_xlabel("failures (count)")
    ax.grid(True, axis="x", alpha=0.3)
    if not counts:
        ax.set_yticks([])
        note_no_data(ax, empty)
        return
    order = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]))
    bars = ax.barh(range(len(order)), [v for _, v in order], color=color, height=0.6)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([k for k, _ in order], fontsize="small")
    for bar, (_, value) in zip(bars, order):
        ax.annotate(f"{value:g}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize="x-small")
    top = max(v for _, v in order)
    ax.set_xlim(0, top * 1.15 if top > 0 else 1)
    integer_ticks(ax.xaxis)


def fig_failures(plt, data):
    ananta = data["ananta"]
    client, snat = ananta["client_failures"], ananta["snat_failures"]
    none = not client and not snat
    fig, (ax_client, ax_snat) = plt.subplots(1, 2, figsize=(12, 4.8))
    fig.suptitle(f"{title_prefix(data['switch'])}: failed connections by reason"
                 + (" (no failures)" if none else ""))
    empty = "no failures" if none else "none"
    draw_reasons(ax_client, client,
                 f"client connection failures ({sum(client.values()):g})", "C3", empty)
    draw_reasons(ax_snat, snat, f"SNAT failures ({sum(snat.values()):g})", "C1", empty)
    failed = sum(column(data["vip.csv"], "connections_failed"))
    fig.text(0.99, 0.01, f"vip.csv: {failed:g} connection(s) failed in total",
             ha="right", va="bottom", fontsize="x-small", color="0.3")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


FIGURES = (
    ("ananta_load_spread.png", fig_load_spread),
    ("ananta_mux_vs_dsr.png", fig_mux_vs_dsr),
    ("ananta_snat.png", fig_snat),
    ("ananta_setup_cdf.png", fig_setup),
    ("ananta_failures.png", fig_failures),
)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def load(results_dir):
    # Without "ananta" in metrics.json only that is said: the CSV files are
    # then missing too, which says nothing new.
    return load_inputs(results_dir, SCHEMAS, read_metrics, metrics_first=True,
                       row_checks=ROW_CHECKS, fatal=NoAnantaError)


def main(argv=None):
    return run(argv, DESCRIPTION, load, FIGURES, hashsalt="ananta_plots")


if __name__ == "__main__":
    sys.exit(main())
