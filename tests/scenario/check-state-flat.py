#!/usr/bin/env python3
"""Checks that VFP state stays flat after warm-up in a datacenter run, for CTest.

Usage: check-state-flat.py DIR WARMUP_S TOLERANCE [--expect-growth]
Reads DIR/timeseries.csv. For each of connections, unified_flows, layer_flows and
state_bytes (datacenter totals), it compares the mean of the samples in the second half of
the time after WARMUP_S with the mean of those in its first half: flat means the later
mean is within TOLERANCE (a fraction, 0.15 = 15%) of the earlier one, and nonzero.
--expect-growth inverts the check (the control run without expiry must grow by more).
Exits 1 when the check fails, 2 on bad usage.
"""
import csv
import sys

COLUMNS = ("connections", "unified_flows", "layer_flows", "state_bytes")


def halves(rows, warmup, column):
    after = [(float(r["time_s"]), float(r[column])) for r in rows if float(r["time_s"]) > warmup]
    if len(after) < 4:
        raise ValueError(f"only {len(after)} samples after {warmup} s")
    middle = (after[0][0] + after[-1][0]) / 2
    early = [v for t, v in after if t <= middle]
    late = [v for t, v in after if t > middle]
    return sum(early) / len(early), sum(late) / len(late)


def main(argv):
    if len(argv) not in (4, 5) or (len(argv) == 5 and argv[4] != "--expect-growth"):
        print(__doc__, file=sys.stderr)
        return 2
    directory, warmup, tolerance = argv[1], float(argv[2]), float(argv[3])
    growth = len(argv) == 5
    with open(f"{directory}/timeseries.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    failed = False
    for column in COLUMNS:
        early, late = halves(rows, warmup, column)
        change = (late - early) / early if early else float("inf")
        good = change > tolerance if growth else early > 0 and abs(change) <= tolerance
        failed |= not good
        print(f"{'ok  ' if good else 'FAIL'} {column}: {early:.0f} then {late:.0f} ({change:+.1%})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
