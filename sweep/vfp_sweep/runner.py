"""One run of a sweep, executed on a Dask worker (or anywhere).

This module imports only the standard library: the client registers it with
cloudpickle to be shipped by value, so a worker started with nothing but Dask
(`dask worker tcp://...`) can run it without this package on its path. What a
worker needs is the program at the same path (a shared file system, as on a
Slurm cluster) and the sweep's output directory.

A run writes into a private temporary directory beside its final place and is
renamed to DIR/runs/<key>/ only after its record (run.json) is written, so a
directory named by a key is always a finished run: a crash of the sweep, of a
worker or of the machine leaves at most a temporary directory, which the next
sweep ignores and replaces.
"""
import datetime
import hashlib
import json
import os
import shutil
import socket
import subprocess
import time

RECORD = "run.json"
METRICS = "metrics.json"
STDERR_TAIL_BYTES = 8192

_build_cache = {}


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _project_libraries(program):
    """Shared libraries the program loads from outside the system's folders.

    Those are the project's own (build/lib/libvfp.so): a change in them changes
    results without changing the executable, so they belong to the build.
    System libraries (Debian's ns-3) are not hashed.
    """
    try:
        out = subprocess.run(["ldd", program], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    libraries = []
    for line in out.splitlines():
        parts = line.split("=>")
        if len(parts) != 2:
            continue
        path = parts[1].strip().split(" ")[0]
        if path.startswith("/") and not path.startswith(("/usr/", "/lib/", "/lib64/")):
            libraries.append(os.path.realpath(path))
    return sorted(set(libraries))


def build_identity(program):
    """sha256 over the program file and the project libraries it loads.

    Cached per process by (path, size, mtime) of each file, so a worker hashes a
    build once, not once per run.
    """
    files = [os.path.realpath(program)] + _project_libraries(program)
    stamp = tuple((f, os.stat(f).st_size, os.stat(f).st_mtime_ns) for f in files)
    if stamp not in _build_cache:
        digest = hashlib.sha256()
        for f in files:
            digest.update(os.path.basename(f).encode() + b"\0" + _sha256_file(f).encode() + b"\0")
        _build_cache[stamp] = digest.hexdigest()
    return _build_cache[stamp]


def read_record(run_dir):
    """The run.json of a finished run directory, or None if there is none."""
    try:
        with open(os.path.join(run_dir, RECORD)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _tail(path):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - STDERR_TAIL_BYTES))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def out_argument(task, run_dir):
    """--out for a run in run_dir: run_dir, or run_dir/metrics.json for a program whose
    --out names its metrics file (vfp_sweep.program.OUT_IS_FILE)."""
    return os.path.join(run_dir, METRICS) if task["out_is_file"] else run_dir


def _launch(task, work_dir):
    """Runs the program into work_dir; returns (exit code, wall seconds, error)."""
    argv = [task["program_path"]] + task["argv"] + ["--out", out_argument(task, work_dir)]
    start = time.monotonic()
    with open(os.path.join(work_dir, "stdout.txt"), "wb") as out, open(
        os.path.join(work_dir, "stderr.txt"), "wb"
    ) as err:
        try:
            code = subprocess.run(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL).returncode
        except OSError as e:
            return None, time.monotonic() - start, "could not start the program: %s" % e
    wall = time.monotonic() - start
    if code != 0:
        return code, wall, "exited with status %d" % code if code > 0 else "killed by signal %d" % -code
    if not os.path.isfile(os.path.join(work_dir, METRICS)):
        return code, wall, "exited 0 but wrote no " + METRICS
    return code, wall, None


def execute(task):
    """Runs one task dict (see vfp_sweep.plan) and returns its record.

    Never raises for a failing program: the failure (exit code, stderr tail) is
    the record. A run whose directory already exists is not run again.
    """
    final = os.path.join(task["runs_dir"], task["key"])
    existing = read_record(final)
    if existing is not None and existing.get("status") == "ok":
        return existing
    host = socket.gethostname()
    work = os.path.join(task["runs_dir"], ".%s.tmp-%s-%d" % (task["key"], host, os.getpid()))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    record = {k: task[k] for k in ("key", "program", "build", "params", "run", "argv")}
    record.update(host=host, started=datetime.datetime.now(datetime.timezone.utc).isoformat())
    worker_build = build_identity(task["program_path"])
    if worker_build != task["build"]:
        code, wall = None, 0.0
        error = "the program on %s is build %s, not the sweep's %s" % (
            host,
            worker_build[:12],
            task["build"][:12],
        )
    else:
        code, wall, error = _launch(task, work)
    record.update(status="failed" if error else "ok", exit_code=code, wall_seconds=wall, error=error)
    if error:
        record["stderr"] = _tail(os.path.join(work, "stderr.txt"))
    with open(os.path.join(work, RECORD), "w") as f:
        json.dump(record, f, indent=2, sort_keys=True)
    shutil.rmtree(final, ignore_errors=True)  # a recorded failure being retried
    os.rename(work, final)
    return record
