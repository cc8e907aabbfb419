"""CLI start-up: whole commands, timed against the import floor.

The import floor is a Python process that imports what any request needs and does nothing
else: `python -c "import lxml.etree, jinja2, jsonschema, requests"`. Each command and the floor
run as whole processes, taking turns round after round; a command's figure is the median of
its per-round ratios to the floor. `python -X importtime` says where each command's imports
go, summed by top-level package (median of 3 runs), and cProfile where the rest goes.

    python benchmarks/cli_startup.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import median_ratio, ratio_quartiles, top_functions

ROOT = Path(__file__).resolve().parent.parent
CONNECTOR = Path(sys.executable).with_name("connector")
FLOOR = "import lxml.etree, jinja2, jsonschema, requests"
COMMANDS = {
    "actions": ["actions"],
    "render createVendor": ["render", "createVendor", "--input", "examples/createVendor.json"],
    "run getVendor --sandbox": ["run", "getVendor", "--sandbox", "--set", "recordNo=4001"],
}
TIMEOUT = 120
# As an installed package runs: with its bytecode written on the first run and read after
# (a machine that sets PYTHONDONTWRITEBYTECODE would otherwise compile the project's modules
# from source at every start, which no user's install does).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


def run(rounds: int = 15, top: int = 10) -> dict[str, Any]:
    argv = {"import floor": [sys.executable, "-c", FLOOR],
            **{name: [str(CONNECTOR), *args] for name, args in COMMANDS.items()}}
    for command in argv.values():
        _seconds(command)  # warm the file cache and the bytecode cache
    runs: dict[str, list[float]] = {name: [] for name in argv}
    names = list(argv)
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            runs[name].append(_seconds(argv[name]))
    floor = runs["import floor"]
    figures: dict[str, Any] = {"floor_ms": round(statistics.median(floor) * 1000, 1)}
    for name, args in COMMANDS.items():
        imports = import_times(args)
        figures[name] = {
            "ms": round(statistics.median(runs[name]) * 1000, 1),
            "vs_floor": round(median_ratio(runs[name], floor), 2),
            "vs_floor_quartiles": ratio_quartiles(runs[name], floor),
            "imports_total_ms": round(sum(imports.values()), 1),
            "imports_ms": dict(sorted(imports.items(), key=lambda item: item[1],
                                      reverse=True)[:top]),
            "profile": profile(args, top=top),
        }
    return figures


def profile(args: list[str], *, top: int) -> list[dict[str, Any]]:
    """The functions a command spends the most of its own time in (cProfile, one run)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "profile"
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), str(CONNECTOR),
                        *args], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL,
                       timeout=TIMEOUT, check=True)
        return top_functions(pstats.Stats(str(out)), top=top)


def import_times(args: list[str], runs: int = 3) -> dict[str, float]:
    """Milliseconds of import time by top-level package, the median of runs (-X importtime)."""
    by_package: dict[str, list[float]] = {}
    for run_ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", str(CONNECTOR), *args],
                              capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=TIMEOUT,
                              check=True)
        for line in done.stderr.splitlines():
            match = _IMPORT_LINE.match(line)
            if match:
                times = by_package.setdefault(match.group(4).split(".")[0], [0.0] * runs)
                times[run_] += int(match.group(1)) / 1000
    return {package: round(statistics.median(times), 1) for package, times in by_package.items()}


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL,
                   timeout=TIMEOUT, check=True)
    return time.perf_counter() - started


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    print(json.dumps(run(parser.parse_args().rounds), indent=2))
