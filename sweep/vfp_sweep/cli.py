"""vfp-sweep: capacity-planning sweeps of a build/bin program on a Dask cluster.

    vfp-sweep SPEC --out DIR [--workers N] [--scheduler ADDRESS] [--dry-run] [--retry-failed]
    vfp-sweep plot DIR --x PARAM --y METRIC [--series PARAM] [--where PARAM=VALUE] [--out PNG]
                   [--threshold LEVEL]

Exit statuses: 0 every run finished; 1 some run failed (recorded in
DIR/runs/<key>/run.json; the others ran); 2 a bad spec, program, cluster or
plot request (nothing ran); 130 interrupted (finished runs are kept).
"""
import argparse
import datetime
import json
import os
import sys

from . import engine, plan, plot, program, runner, spec

EXIT_FAILED_RUNS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def _bin_dir():
    path = os.environ.get("VFP_SWEEP_BIN_DIR")
    if not path:
        raise spec.SpecError("VFP_SWEEP_BIN_DIR is not set: run vfp-sweep as build/bin/vfp-sweep")
    return path


def _partition(tasks, runs_dir, retry_failed):
    """Records already on disk (by key) and the tasks still to run."""
    records = {}
    todo = []
    for task in tasks:
        record = runner.read_record(os.path.join(runs_dir, task["key"]))
        if record is not None:
            records[task["key"]] = record
        if record is None or (retry_failed and record["status"] != "ok"):
            todo.append(task)
    return records, todo


def _write_sweep_json(out_dir, checked, prog):
    with open(os.path.join(out_dir, "sweep.json"), "w") as f:
        json.dump(
            {
                "spec": os.path.abspath(checked.path),
                "program": prog.name,
                "program_path": prog.path,
                "build": prog.build,
                "args": checked.args,
                "grid": checked.grid,
                "runs": checked.runs,
                "written": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            },
            f,
            indent=2,
        )


def _report_failures(tasks, records, runs_dir):
    failed = [t for t in tasks if records.get(t["key"], {}).get("status") == "failed"]
    for task in failed:
        record = records[task["key"]]
        print(
            "failed: %s run %d: %s (%s)"
            % (
                json.dumps(task["params"]),
                task["run"],
                record["error"],
                os.path.join(runs_dir, task["key"], runner.RECORD),
            ),
            file=sys.stderr,
        )
    return failed


def sweep(options):
    """The sweep command; returns the exit status."""
    checked = spec.load(options.spec)
    bin_dir = _bin_dir()
    prog = program.resolve(checked, bin_dir)
    program.check_parameters(checked, prog, bin_dir)
    runs_dir = os.path.join(options.out, "runs")
    tasks = plan.tasks(checked, prog, runs_dir)
    records, todo = _partition(tasks, runs_dir, options.retry_failed)
    failed_before = sum(1 for r in records.values() if r["status"] != "ok")
    print(
        "sweep: %s: %d points x %d runs = %d runs of %s (build %s): %d finished, %d failed%s, %d to run"
        % (
            options.spec,
            len(tasks) // checked.runs,
            checked.runs,
            len(tasks),
            prog.name,
            prog.build[:12],
            len(records) - failed_before,
            failed_before,
            " (--retry-failed runs them again)" if failed_before and not options.retry_failed else "",
            len(todo),
        )
    )
    if options.dry_run:
        for task in todo:
            out = runner.out_argument(task, os.path.join(runs_dir, task["key"]))
            print(" ".join([prog.path] + task["argv"] + ["--out", out]))
        return 0
    os.makedirs(runs_dir, exist_ok=True)
    _write_sweep_json(options.out, checked, prog)
    from . import results  # pandas and scipy (a second to import): only once runs are due

    progress = engine.Progress(len(todo))
    for record in engine.run(todo, options.scheduler, options.workers, progress):
        records[record["key"]] = record
    results.write(tasks, records, options.out)
    failed = _report_failures(tasks, records, runs_dir)
    print(
        "sweep: wrote %s and %s (%d runs, %d failed)"
        % (
            os.path.join(options.out, "results.csv"),
            os.path.join(options.out, "aggregate.csv"),
            len(tasks),
            len(failed),
        )
    )
    return EXIT_FAILED_RUNS if failed else 0


def _sweep_parser():
    parser = argparse.ArgumentParser(
        prog="vfp-sweep",
        description="Runs a grid of a build/bin program's "
        "runs on Dask and aggregates their metrics.json (docs/sweeps.md).",
        epilog="vfp-sweep plot DIR --x PARAM --y METRIC draws a result.",
    )
    parser.add_argument("spec", help="the sweep spec (JSON)")
    parser.add_argument("--out", required=True, help="results directory (runs/, results.csv, aggregate.csv)")
    parser.add_argument(
        "--workers", type=int, help="worker processes of the embedded cluster (default: cores)"
    )
    parser.add_argument("--scheduler", help="address of an existing Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--dry-run", action="store_true", help="print the runs still to do, run nothing")
    parser.add_argument("--retry-failed", action="store_true", help="run recorded failures again")
    return parser


def _plot_parser():
    parser = argparse.ArgumentParser(
        prog="vfp-sweep plot",
        description="A metric against a parameter, " "mean and 95%% confidence band from DIR/aggregate.csv.",
    )
    parser.add_argument("dir", help="a sweep's --out directory")
    parser.add_argument("--x", required=True, help="grid parameter on the x axis")
    parser.add_argument("--y", required=True, help="metric, e.g. connection_setup_us.p99")
    parser.add_argument("--series", help="grid parameter: one line per value")
    parser.add_argument("--where", action="append", default=[], help="PARAM=VALUE: fix another parameter")
    parser.add_argument("--out", help="PNG to write (default DIR/METRIC-vs-PARAM.png)")
    parser.add_argument(
        "--threshold", type=float, help="draw this level and print where each line first passes it"
    )
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["plot"]:
            options = _plot_parser().parse_args(argv[1:])
            path, notes = plot.draw(
                options.dir,
                options.x,
                options.y,
                options.series,
                options.where,
                options.out,
                options.threshold,
            )
            print("\n".join(notes + ["wrote " + path]))
            return 0
        options = _sweep_parser().parse_args(argv)
        if options.workers is not None and options.workers < 1:
            raise spec.SpecError("--workers: expected at least 1, got %d" % options.workers)
        if options.workers is not None and options.scheduler:
            raise spec.SpecError(
                "--workers sizes the embedded cluster; with --scheduler the cluster's own "
                "workers run the sweep"
            )
        return sweep(options)
    except (spec.SpecError, engine.EngineError, plot.PlotError) as e:
        print("vfp-sweep: error: %s" % e, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(
            "\nvfp-sweep: interrupted; finished runs are kept, run the same command to go on", file=sys.stderr
        )
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. --dry-run | head: the reader has all it wanted
        sys.stderr.close()
        return 0
