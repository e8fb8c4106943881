#!/usr/bin/env python3
"""Checks a datacenter run with --vm-tx-cap CAP against that cap, for CTest.

Usage: check-qos.py DIR CAP_BPS
  - vm.csv has the QoS columns and every VM's tx_cap_bps is CAP_BPS;
  - qos.csv exists, and no row's tx_mbps passes what the cap's token bucket allows over
    one sample interval T: its burst plus CAP x T. The burst is the scenario's default
    (--vm-tx-cap sets no burst): 1 ms of the rate, at least one 1514-byte frame
    (DefaultQosBurst, engine/policy/policy-spec.h);
  - some row comes within 10% of the cap, so the bound was tested, not idle.
Prints the busiest row; exits 1 if a check fails, 2 on bad usage.
"""
import csv
import sys

QOS_COLUMNS = ["tx_cap_bps", "rx_cap_bps", "tx_reservation_bps", "qos_weight",
               "qos_tx_sent_bytes", "qos_tx_queued_bytes", "qos_tx_dropped_bytes",
               "qos_rx_sent_bytes", "qos_rx_queued_bytes", "qos_rx_dropped_bytes"]


def rows(directory, name):
    with open(f"{directory}/{name}", newline="") as f:
        return list(csv.DictReader(f))


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    directory, cap = argv[1], float(argv[2])
    failures = []
    vms = rows(directory, "vm.csv")
    missing = [c for c in QOS_COLUMNS if c not in vms[0]]
    if missing:
        failures.append(f"vm.csv lacks {missing}")
    else:
        wrong = [row["vm"] for row in vms if float(row["tx_cap_bps"]) != cap]
        if wrong:
            failures.append(f"vm.csv: tx_cap_bps is not {cap:.0f} for {len(wrong)} VMs: {wrong[:8]}")
    samples = rows(directory, "qos.csv")
    times = sorted({float(row["time_s"]) for row in samples})
    interval = min(b - a for a, b in zip(times, times[1:]))
    burst = max(1514.0, cap / 8 * 0.001)
    # tx_mbps is written with 3 decimals: half of the last one is rounding.
    bound = (burst * 8 / interval + cap) / 1e6 + 0.0005
    busiest = max(samples, key=lambda row: float(row["tx_mbps"]))
    peak = float(busiest["tx_mbps"])
    print(f"{len(samples)} samples every {interval:.6g} s; busiest {busiest['vm']} at "
          f"{busiest['time_s']} s: {peak} Mbps, bound {bound:.3f} Mbps")
    over = [(row["time_s"], row["vm"], row["tx_mbps"]) for row in samples
            if float(row["tx_mbps"]) > bound]
    if over:
        failures.append(f"qos.csv: above the cap's bucket: {over[:8]}")
    if peak < 0.9 * cap / 1e6:
        failures.append(f"qos.csv: no VM came near the cap (at most {peak} Mbps)")
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
