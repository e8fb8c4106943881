#!/usr/bin/env python3
"""Draws the programmable NIC's figures: one datacenter run with --nic offload
against the same scenario with --nic none (docs/nic.md).

    python3 analysis/offload_plots.py OFFLOAD_DIR BASELINE_DIR

Inputs, in each directory (written by the C++ datacenter scenario; CSV files
have a header row, extra columns are ignored):

  timeseries.csv  time_s, cpu_utilisation (a fraction of the hosts' cores,
                  1.0 = 100 %), hardware_packets, software_packets (per
                  sampling interval, all hosts), hardware_share (in [0,1], or
                  empty when the interval had no packets)
  fct.csv         flow,...,fct_us,kind: one row per completed flow, kind
                  "short" or "long"
  metrics.json    scenario.switch and scenario.nic (strings), and nic (an
                  object with hardware_share and table_entries_max, numbers);
                  OFFLOAD_DIR must be a --nic offload run, BASELINE_DIR a
                  --nic none one

Output (PNG, written into OFFLOAD_DIR, one line printed):

  offload.png   left: the hardware share of packets over time, with hardware
                and software packets per interval on a second axis; middle:
                host CPU utilisation over time with and without offload;
                right: CDF of short-flow completion time with and without

Input checks, messages, exit statuses (0 written, 2 bad input, 1 matplotlib
missing or a figure not written) and reproducible PNGs are those of
plot_support.py (beside this file).
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from plot_support import (  # noqa: E402
    EXIT_BAD_INPUT, NONNEG, UNIT, InputError, apply_auto_scale, column,
    import_pyplot, load_inputs, note_no_data, plot_cdf, read_metrics_json,
    save_figure)

SCHEMAS = {
    "timeseries.csv": {
        "time_s": ("num", NONNEG), "cpu_utilisation": ("num", NONNEG),
        "hardware_packets": ("num", NONNEG), "software_packets": ("num", NONNEG),
        "hardware_share": ("num?", UNIT),
    },
    "fct.csv": {"fct_us": ("num", NONNEG), "kind": ("choice", ("short", "long"))},
}


def read_nic_metrics(expected):
    """A reader of metrics.json that checks the run's --nic is expected."""
    def read(results_dir):
        path, metrics, switch = read_metrics_json(results_dir)
        nic = metrics.get("scenario", {}).get("nic")
        if nic != expected:
            raise InputError(f"{path}: scenario.nic: {nic!r}, expected {expected!r} "
                             "(OFFLOAD_DIR is a --nic offload run, BASELINE_DIR a --nic none one)")
        section = metrics.get("nic")
        for key in ("hardware_share", "table_entries_max"):
            value = section.get(key) if isinstance(section, dict) else None
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InputError(f"{path}: missing key nic.{key} (a number)")
        return {"switch": switch, "nic": section}
    return read


def load(offload_dir, baseline_dir):
    return (load_inputs(offload_dir, SCHEMAS, read_nic_metrics("offload")),
            load_inputs(baseline_dir, SCHEMAS, read_nic_metrics("none")))


def draw_share(ax, data):
    ts = sorted(data["timeseries.csv"], key=lambda r: r["time_s"])
    ax.set_title(f"hardware share (run: {100 * data['nic']['hardware_share']:.1f} %)")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("packets in hardware (%)")
    ax.set_ylim(0, 105)
    ax.grid(True, alpha=0.3)
    if not ts:
        note_no_data(ax)
        return
    times = column(ts, "time_s")
    share = [math.nan if v is None else 100 * v for v in column(ts, "hardware_share")]
    handles = ax.plot(times, share, color="C0", marker=".", linewidth=2, label="hardware share")
    ax2 = ax.twinx()
    ax2.set_ylabel("packets per interval")
    counts = []
    for name, label, color in (("hardware_packets", "hardware", "C2"),
                               ("software_packets", "software", "C3")):
        values = column(ts, name)
        handles += ax2.step(times, values, where="post", color=color, alpha=0.6,
                            linewidth=1, label=label)
        counts += values
    if apply_auto_scale(ax2, counts, axis="y") != "linear":
        ax2.set_ylabel(f"packets per interval ({ax2.get_yscale()} scale)")
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.legend(handles, [h.get_label() for h in handles], loc="lower right", fontsize="small")


def draw_cpu(ax, runs):
    ax.set_title("host CPU utilisation")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("CPU utilisation (%)")
    ax.grid(True, alpha=0.3)
    drawn = False
    for label, data, color in runs:
        ts = sorted(data["timeseries.csv"], key=lambda r: r["time_s"])
        if ts:
            ax.plot(column(ts, "time_s"), [100 * v for v in column(ts, "cpu_utilisation")],
                    color=color, marker=".", label=label)
            drawn = True
    if drawn:
        ax.set_ylim(bottom=0)
        ax.legend(fontsize="small")
    else:
        note_no_data(ax)


def figure(plt, offload, baseline):
    fig, (ax_share, ax_cpu, ax_fct) = plt.subplots(1, 3, figsize=(16, 4.8))
    fig.suptitle("VFP with the programmable NIC (--nic offload) and without (--nic none)")
    draw_share(ax_share, offload)
    runs = (("offload", offload, "C0"), ("none", baseline, "C1"))
    draw_cpu(ax_cpu, runs)
    plot_cdf(ax_fct, [(label, [r["fct_us"] for r in data["fct.csv"] if r["kind"] == "short"])
                      for label, data, _ in runs],
             "short-flow completion time (µs)", "short flows", percentiles=(50, 99))
    fig.tight_layout()
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(description="Draw offload.png: a --nic offload datacenter "
                                     "run against a --nic none one, into OFFLOAD_DIR.")
    parser.add_argument("offload_dir", metavar="OFFLOAD_DIR", help="the --nic offload run")
    parser.add_argument("baseline_dir", metavar="BASELINE_DIR", help="the --nic none run")
    args = parser.parse_args(argv)
    try:
        offload, baseline = load(args.offload_dir, args.baseline_dir)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    plt = import_pyplot("offload_plots")
    path = os.path.join(args.offload_dir, "offload.png")
    return 0 if save_figure(plt, figure(plt, offload, baseline), path) else 1


if __name__ == "__main__":
    sys.exit(main())
