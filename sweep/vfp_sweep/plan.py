"""From a checked spec to the list of runs, each with its command line and key.

A run's key is a sha256 over the program's name, its build and every argument
(sorted, so moving a parameter between "args" and "grid" or reordering the
spec keeps the key). The same key means the same command on the same build, so
a finished run is never repeated, and a rebuilt program gets new keys: its
results are kept apart from the old build's, never mixed.
"""
import hashlib
import itertools
import json
import os

KEY_HEX_DIGITS = 24


def render(value):
    """A JSON value as the program's command line takes it."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def arguments(program, params, run):
    """The command line (without the program and --out) for params and run."""
    argv = []
    attributes = []
    for name in sorted(params):
        value = params[name]
        if name.startswith("ns3::"):
            attributes.append("%s=%s" % (name, render(value)))
        elif not program.options[name]:
            if value:
                argv.append("--" + name)
        else:
            argv += ["--" + name, render(value)]
    for attribute in attributes:
        argv += ["--attribute", attribute]
    return argv + ["--run", str(run)]


def run_key(program, argv):
    canonical = json.dumps({"program": program.name, "build": program.build, "argv": argv})
    return hashlib.sha256(canonical.encode()).hexdigest()[:KEY_HEX_DIGITS]


def points(spec):
    """The grid points in spec order: the last parameter varies fastest."""
    names = list(spec.grid)
    for values in itertools.product(*(spec.grid[n] for n in names)):
        yield dict(zip(names, values))


def tasks(spec, program, runs_dir):
    """One task dict per (grid point, run number), as vfp_sweep.runner.execute takes it."""
    result = []
    for point in points(spec):
        for run in range(1, spec.runs + 1):
            argv = arguments(program, {**spec.args, **point}, run)
            result.append(
                {
                    "key": run_key(program, argv),
                    "program": program.name,
                    "program_path": program.path,
                    "build": program.build,
                    "params": point,
                    "run": run,
                    "argv": argv,
                    "out_is_file": program.out_is_file,
                    "runs_dir": os.path.abspath(runs_dir),
                }
            )
    return result
