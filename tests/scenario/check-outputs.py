#!/usr/bin/env python3
"""Checks a datacenter run's outputs against conditions, for CTest.

Usage: check-outputs.py DIR CONDITION...
A condition is FILE:FIELD OP NUMBER with OP one of >= <= == > <:
  metrics.json:summary.packets_dropped==0   a metrics.json value, dotted path (a missing
                                            path counts as 0, as for a drop never seen;
                                            a number indexes a list: events.0.ports)
  flows.csv:goodput_mbps>=9000              every row of flows.csv (a blank cell fails)
  flows.csv[id=1]:loss>0                    the rows whose column id is 1
Prints each condition with the value found; exits 1 if any fails, 2 on bad usage.
"""
import csv
import json
import operator
import re
import sys

OPS = {">=": operator.ge, "<=": operator.le, "==": operator.eq, ">": operator.gt, "<": operator.lt}
FORM = re.compile(r"^([\w.-]+)(?:\[(\w+)=([^\]]*)\])?:([\w.]+)(>=|<=|==|>|<)(-?[\d.eE+-]+)$")


def metric(directory, name, path):
    with open(f"{directory}/{name}") as f:
        value = json.load(f)
    for key in path.split("."):
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return [0.0]
    return [float(value)]


def column(directory, name, field, where=None):
    with open(f"{directory}/{name}", newline="") as f:
        rows = list(csv.DictReader(f))
    if where:
        rows = [row for row in rows if row.get(where[0]) == where[1]]
    if not rows:
        raise ValueError(f"{name}: no rows" + (f" with {where[0]}={where[1]}" if where else ""))
    return [float(row[field]) if row[field] != "" else float("nan") for row in rows]


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    directory, failed = argv[1], False
    for condition in argv[2:]:
        match = FORM.match(condition)
        if not match:
            print(f"check-outputs: bad condition {condition!r}", file=sys.stderr)
            return 2
        name, key, value, field, op, bound = match.groups()
        if name.endswith(".csv"):
            values = column(directory, name, field, (key, value) if key else None)
        else:
            values = metric(directory, name, field)
        good = all(OPS[op](value, float(bound)) for value in values)
        failed |= not good
        print(f"{'ok  ' if good else 'FAIL'} {condition}: {values if len(values) < 8 else values[:8]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
