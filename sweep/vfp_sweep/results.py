"""results.csv (one row per run) and aggregate.csv (one row per grid point).

results.csv: a column per grid parameter under its spec name, run, status,
exit_code, wall_seconds, key, then every scalar of the run's metrics.json
flattened with dots (summary.packets_delivered); lists are left out. Rows come
only from the current spec and build, in plan order.

aggregate.csv: per grid point, the runs that finished (runs_ok) and failed,
then for every numeric metric (true/false counted as 1/0) over the finished
runs: METRIC.mean, METRIC.std (sample standard deviation), and
METRIC.ci95_low / METRIC.ci95_high, the mean -/+ t(0.975, n-1) * std / sqrt(n)
(Student t; empty with fewer than two runs). A metric missing from some runs'
metrics.json (e.g. a drop reason that did not occur) is averaged over the runs
that have it.
"""
import json
import math
import os

import pandas
from scipy import stats

from . import runner

RUN_COLUMNS = ("run", "status", "exit_code", "wall_seconds", "key")
STATISTICS = ("mean", "std", "ci95_low", "ci95_high")


def flatten(value, prefix="", out=None):
    """Scalars of a JSON object by dotted path; lists are not scalars."""
    out = {} if out is None else out
    if isinstance(value, dict):
        for name in sorted(value):
            flatten(value[name], prefix + name + ".", out)
    elif not isinstance(value, list):
        out[prefix[:-1]] = value
    return out


def _metrics(run_dir):
    try:
        with open(os.path.join(run_dir, runner.METRICS)) as f:
            return flatten(json.load(f))
    except (OSError, ValueError):
        return {}


def table(tasks, records, runs_dir):
    """The results table: one row per task, metrics of the finished ones."""
    rows = []
    for task in tasks:
        record = records.get(task["key"])
        row = dict(task["params"])
        row.update(run=task["run"], key=task["key"])
        if record is None:
            row["status"] = "not run"
        else:
            row.update(
                status=record["status"],
                exit_code=record.get("exit_code"),
                wall_seconds=record.get("wall_seconds"),
            )
        if row["status"] == "ok":
            for name, value in _metrics(os.path.join(runs_dir, task["key"])).items():
                row[name if name not in row else "metrics." + name] = value
        rows.append(row)
    frame = pandas.DataFrame(rows)
    if "exit_code" in frame.columns:  # whole numbers, also beside runs without one
        frame["exit_code"] = frame["exit_code"].astype("Int64")
    return frame[task_columns(tasks, frame)]


def task_columns(tasks, frame):
    """Column order: parameters, the run columns, then metrics in name order."""
    params = list(tasks[0]["params"]) if tasks else []
    run_columns = [c for c in RUN_COLUMNS if c in frame.columns]
    metrics = sorted(c for c in frame.columns if c not in params and c not in RUN_COLUMNS)
    return params + run_columns + metrics


def _interval(values):
    values = values.dropna()
    n = len(values)
    mean = values.mean() if n else math.nan
    if n < 2:
        return mean, math.nan, math.nan, math.nan
    std = values.std(ddof=1)
    half = stats.t.ppf(0.975, n - 1) * std / math.sqrt(n)
    return mean, std, mean - half, mean + half


def aggregate(frame, params):
    """The per-point statistics of every numeric metric over finished runs."""
    metrics = [c for c in frame.columns if c not in params and c not in RUN_COLUMNS]
    ok = frame[frame["status"] == "ok"]
    numeric = [
        m
        for m in metrics
        if pandas.api.types.is_numeric_dtype(ok[m].dropna().infer_objects())
        or pandas.api.types.is_bool_dtype(ok[m].dropna().infer_objects())
    ]
    rows = []
    # One parameter groups by its name (a list of one is deprecated in pandas): points are scalars.
    by = params if len(params) > 1 else params[0]
    for point, group in frame.groupby(by, sort=False):
        point = point if isinstance(point, tuple) else (point,)
        row = dict(zip(params, point))
        finished = group[group["status"] == "ok"]
        row.update(runs_ok=len(finished), runs_failed=int((group["status"] == "failed").sum()))
        for metric in numeric:
            values = pandas.to_numeric(finished[metric].dropna().astype(float), errors="coerce")
            row.update(zip(("%s.%s" % (metric, s) for s in STATISTICS), _interval(values)))
        rows.append(row)
    return pandas.DataFrame(rows)


def write(tasks, records, out_dir):
    """Writes results.csv and aggregate.csv; returns (results, aggregate) frames."""
    runs_dir = os.path.join(out_dir, "runs")
    frame = table(tasks, records, runs_dir)
    params = list(tasks[0]["params"])
    summary = aggregate(frame, params)
    frame.to_csv(os.path.join(out_dir, "results.csv"), index=False)
    summary.to_csv(os.path.join(out_dir, "aggregate.csv"), index=False)
    return frame, summary
