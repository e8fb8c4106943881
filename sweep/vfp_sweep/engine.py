"""Runs tasks on Dask: an embedded LocalCluster, or an existing cluster's scheduler.

Embedded (no --scheduler): one single-threaded worker process per core (or
--workers N), bound to 127.0.0.1, dashboard off. With --scheduler ADDRESS the
same tasks go to whatever workers that scheduler has (dask worker processes on
any machine that sees the build and the output directory at the same paths).
The task function is shipped by value (vfp_sweep.runner is standard library
only), so workers need Dask and nothing of this package.
"""
import logging
import os
import sys
import time

import cloudpickle

from . import runner

CONNECT_TIMEOUT_S = 10


class EngineError(Exception):
    """The cluster could not be started or reached."""


class Progress:
    """One line of runs done, failed, left and the estimated time left."""

    def __init__(self, total, stream=sys.stderr):
        self.total = total
        self.done = 0
        self.failed = 0
        self.start = time.monotonic()
        self.stream = stream
        self.live = stream.isatty()

    def line(self):
        finished = self.done + self.failed
        elapsed = time.monotonic() - self.start
        if finished:
            left = "%.0f s left" % (elapsed / finished * (self.total - finished))
        else:
            left = "time left unknown"
        return "sweep: %d/%d runs done, %d failed, %s (%.0f s elapsed)" % (
            finished,
            self.total,
            self.failed,
            left,
            elapsed,
        )

    def update(self, record):
        if record["status"] == "ok":
            self.done += 1
        else:
            self.failed += 1
        end = "\r" if self.live and self.done + self.failed < self.total else "\n"
        self.stream.write(self.line() + end)
        self.stream.flush()


def _client(scheduler, workers):
    import distributed

    if scheduler:
        try:
            return distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S), None
        except (OSError, TimeoutError) as e:
            raise EngineError("--scheduler %s: cannot reach the scheduler: %s" % (scheduler, e))
    cluster = distributed.LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    return distributed.Client(cluster), cluster


def _lost(task, error):
    """The record of a task whose worker raised instead of returning a record."""
    record = {k: task[k] for k in ("key", "program", "build", "params", "run", "argv")}
    record.update(
        status="failed",
        exit_code=None,
        wall_seconds=0.0,
        error="the worker failed: %s: %s" % (type(error).__name__, error),
    )
    return record


def run(tasks, scheduler=None, workers=None, progress=None):
    """Runs every task, yielding each record as it finishes (in finishing order)."""
    import distributed

    if not tasks:
        return
    cloudpickle.register_pickle_by_value(runner)
    client, cluster = _client(scheduler, workers)
    try:
        # pure=False: a task's identity is its key, not Dask's hash of the arguments.
        futures = {client.submit(runner.execute, t, key="run-" + t["key"], pure=False): t for t in tasks}
        for future in distributed.as_completed(list(futures)):
            try:
                record = future.result()
            except Exception as e:  # the worker itself failed (e.g. it cannot write DIR)
                record = _lost(futures[future], e)
            if progress:
                progress.update(record)
            yield record
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
