"""The sweep spec: a JSON file naming a program, fixed arguments, a grid and runs.

    {"program": "datacenter",
     "args": {"hosts": 16, "duration": 0.5, "quiet": true},
     "grid": {"cps": [10, 100], "ns3::VfpHostCpu::Cores": [1, 2]},
     "runs": 3}

Parameters are the program's options without the dashes (true for a flag); a
name starting with ns3:: is an --attribute Name=Value. Everything a run's
command line depends on is checked here and against the program's --help,
before anything runs; each error names the spec file and the field.
"""
import json
import re

FIELDS = ("program", "args", "grid", "runs", "description")
RESERVED = {
    "out": "the sweep gives each run its own --out",
    "run": 'run numbers come from "runs"',
    "help": "not a run",
    "attribute": 'name the attribute itself, e.g. "ns3::VfpHostCpu::Cores"',
}
ATTRIBUTE = re.compile(r"^ns3::[A-Za-z_][A-Za-z0-9_]*::[A-Za-z_][A-Za-z0-9_]*$")


class SpecError(Exception):
    """A spec that cannot run; the message names the file and the field."""


class Spec:
    """A checked spec: program name, fixed args, ordered grid, runs per point."""

    def __init__(self, path, program, args, grid, runs, description):
        self.path = path
        self.program = program
        self.args = args
        self.grid = grid
        self.runs = runs
        self.description = description

    def error(self, field, message):
        return SpecError("%s: %s: %s" % (self.path, field, message))


def _fail(path, field, message):
    raise SpecError("%s: %s: %s" % (path, field, message))


def _check_value(path, field, value):
    if isinstance(value, (dict, list)) or value is None:
        _fail(path, field, "expected a number, a string or true/false, got %s" % json.dumps(value))


def _check_name(path, field, name):
    if name in RESERVED:
        _fail(path, field, '"%s" cannot be set: %s' % (name, RESERVED[name]))
    if name.startswith("ns3::") and not ATTRIBUTE.match(name):
        _fail(path, field, 'expected an attribute name ns3::Type::Attribute, got "%s"' % name)


def _check_grid(path, grid):
    if not isinstance(grid, dict):
        _fail(path, "grid", "expected an object of parameter: [values]")
    if not grid:
        _fail(path, "grid", "empty: give at least one parameter with at least one value")
    for name, values in grid.items():
        field = "grid.%s" % name
        _check_name(path, field, name)
        if not isinstance(values, list) or not values:
            _fail(path, field, "expected a non-empty list of values, got %s" % json.dumps(values))
        seen = set()
        for value in values:
            _check_value(path, field, value)
            if json.dumps(value) in seen:
                _fail(path, field, "value %s is listed twice" % json.dumps(value))
            seen.add(json.dumps(value))


def _check_args(path, args, grid):
    if not isinstance(args, dict):
        _fail(path, "args", "expected an object of parameter: value")
    for name, value in args.items():
        field = "args.%s" % name
        _check_name(path, field, name)
        _check_value(path, field, value)
        if name in grid:
            _fail(path, field, "also in the grid; a parameter is either fixed or swept")


def load(path):
    """Reads and checks the spec's form (not yet against the program)."""
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        raise SpecError("%s: cannot read: %s" % (path, e.strerror))
    except ValueError as e:
        raise SpecError("%s: not valid JSON: %s" % (path, e))
    if not isinstance(data, dict):
        _fail(path, "(top level)", "expected a JSON object")
    for field in data:
        if field not in FIELDS:
            _fail(path, field, "unknown field; expected one of %s" % ", ".join(FIELDS))
    program = data.get("program")
    if not isinstance(program, str) or not program:
        _fail(path, "program", 'expected the name of a program in build/bin, e.g. "datacenter"')
    grid = data.get("grid")
    if grid is None:
        _fail(path, "grid", "missing")
    _check_grid(path, grid)
    args = data.get("args", {})
    _check_args(path, args, grid)
    runs = data.get("runs", 1)
    if not isinstance(runs, int) or isinstance(runs, bool) or runs < 1:
        _fail(
            path, "runs", "expected a whole number of runs per point, at least 1, got %s" % json.dumps(runs)
        )
    return Spec(path, program, args, grid, runs, data.get("description", ""))
