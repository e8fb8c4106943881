"""The program a sweep runs: where it is, which options it takes, which build it is.

Options come from the program's --help in Boost.Program_options' layout
("  --cps arg (=10)   ..." takes a value, "  --quiet   ..." is a flag), which
every program in build/bin prints. A sweep program must take --out (a
directory it writes metrics.json into) and --run (the run number), except that
a program named in OUT_IS_FILE takes --out as the metrics file itself: its runs
get --out <run directory>/metrics.json.
"""
import os
import re
import subprocess
import sys

from . import plan, runner

ATTRIBUTE_CHECK = "vfp-attribute-check"
# An option's own line starts two spaces in; a description's wrapped lines start further in,
# and may begin with another option's name ("--table-size if smaller)"), which is no option.
OPTION = re.compile(r"^  (?:-\w \[ )?--([A-Za-z0-9][A-Za-z0-9_-]*)( \])?( arg)?")
REQUIRED = ("out", "run")
# Programs whose --out names the one JSON file they write, not a directory (docs/sweeps.md).
OUT_IS_FILE = frozenset(["offload-cache"])


class Program:
    """A resolved program: path, options (name -> takes a value), build hash, and
    whether its --out is the metrics file rather than a directory."""

    def __init__(self, name, path, options, build, out_is_file=False):
        self.name = name
        self.path = path
        self.options = options
        self.build = build
        self.out_is_file = out_is_file


def parse_help(text):
    """Option name -> True if it takes a value, False for a flag."""
    options = {}
    for line in text.splitlines():
        match = OPTION.match(line)
        if match:
            options[match.group(1)] = match.group(3) is not None
    return options


def resolve(spec, bin_dir):
    """Finds spec.program in bin_dir (a name with a slash: relative to the spec)."""
    if "/" in spec.program:
        path = os.path.join(os.path.dirname(os.path.abspath(spec.path)), spec.program)
    else:
        path = os.path.join(bin_dir, spec.program)
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise spec.error("program", 'no executable "%s" (looked for %s)' % (spec.program, path))
    try:
        result = subprocess.run([path, "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise spec.error("program", '"%s --help" did not run: %s' % (path, e))
    options = parse_help(result.stdout + result.stderr)
    missing = [o for o in REQUIRED if o not in options]
    if result.returncode != 0 or missing:
        raise spec.error(
            "program",
            '"%s" is not a sweep program: its --help must list --out and --run (missing: %s)'
            % (spec.program, ", ".join("--" + o for o in missing) or "none; --help failed"),
        )
    return Program(
        spec.program,
        os.path.realpath(path),
        options,
        runner.build_identity(path),
        os.path.basename(spec.program) in OUT_IS_FILE,
    )


def _check_attributes(spec, attributes, bin_dir):
    """Asks build/bin/vfp-attribute-check whether every ns3:: Name=Value fits.

    attributes: (field, "Name=Value") pairs. The checker knows ns-3's types and
    the vfp module's, which are all the types the project's programs have.
    """
    checker = os.path.join(bin_dir, ATTRIBUTE_CHECK)
    if not attributes:
        return
    if not os.access(checker, os.X_OK):
        print(
            "vfp-sweep: note: no %s; ns3:: parameters are checked only by each run" % checker, file=sys.stderr
        )
        return
    argv = [checker]
    for _, assignment in attributes:
        argv += ["--attribute", assignment]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if result.returncode == 0:
        return
    fields = dict((assignment, field) for field, assignment in reversed(attributes))
    for line in result.stdout.splitlines():
        assignment, _, reason = line.partition(": ")
        if assignment in fields:
            raise spec.error(fields[assignment], "%s: %s" % (assignment, reason))
    raise spec.error(
        "(ns3:: parameters)", "%s failed: %s" % (checker, (result.stdout + result.stderr).strip())
    )


def check_parameters(spec, program, bin_dir):
    """Refuses any spec parameter the program does not take, before anything runs."""
    fields = [("args.%s" % n, n, [v]) for n, v in spec.args.items()]
    fields += [("grid.%s" % n, n, vs) for n, vs in spec.grid.items()]
    attributes = []
    for field, name, values in fields:
        if name.startswith("ns3::"):
            if "attribute" not in program.options:
                raise spec.error(field, "%s takes no --attribute, so no ns3:: parameter" % program.name)
            attributes += [(field, "%s=%s" % (name, plan.render(v))) for v in values]
            continue
        if name not in program.options:
            raise spec.error(
                field, "%s has no option --%s (see %s --help)" % (program.name, name, program.name)
            )
        if not program.options[name] and any(v is not True and v is not False for v in values):
            raise spec.error(field, "--%s is a flag: its values must be true or false" % name)
    _check_attributes(spec, attributes, bin_dir)
