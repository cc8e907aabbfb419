"""What every benchmark shares: side-by-side timings, whole-process memory, profiles, the machine.

The machine is shared and noisy, so contenders are never timed apart: they take turns, round
after round, and a comparison is the median of the ratios taken within each round. A noisy
moment slows one round's contenders alike and leaves its ratio alone.

    python harness.py peak MODULE FUNCTION FILE   # used by process_peak, in a fresh process
"""

from __future__ import annotations

import cProfile
import gc
import importlib
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# A contender runs `number` calls and says how many microseconds each took. Most are Python
# functions timed here (see `looped`); a contender in another process times itself.
Contender = Callable[[int], float]


def looped(function: Callable[[], Any]) -> Contender:
    """A contender that calls `function` in a loop, timed here."""
    def timed(number: int) -> float:
        started = time.perf_counter()
        for _ in range(number):
            function()
        return (time.perf_counter() - started) / number * 1e6
    return timed


def compare_per_call(contenders: dict[str, Contender], *, number: int,
                     repeat: int) -> dict[str, list[float]]:
    """Microseconds per call of each contender, one figure per round.

    Every round times every contender over `number` calls, starting with a different one each
    round so that none always runs first. The garbage collector stays on, as in production.
    """
    names = list(contenders)
    for name in names:
        contenders[name](1)  # warm caches (compiled templates, validators, sessions)
    runs: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeat):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            runs[name].append(contenders[name](number))
    return runs


def median_ratio(numerators: list[float], denominators: list[float]) -> float:
    """The median of round-by-round ratios (figures measured side by side)."""
    return statistics.median(a / b for a, b in zip(numerators, denominators, strict=True))


def ratio_quartiles(numerators: list[float], denominators: list[float]) -> list[float]:
    """The first and third quartiles of round-by-round ratios: how far the rounds disagree."""
    ratios = [a / b for a, b in zip(numerators, denominators, strict=True)]
    if len(ratios) < 2:
        return [ratios[0], ratios[0]]
    first, _, third = statistics.quantiles(ratios, n=4)
    return [round(first, 2), round(third, 2)]


def profile_top(function: Callable[[], Any], *, number: int, top: int = 10
                ) -> list[dict[str, Any]]:
    """The functions `function` spends the most of its own time in, per call (cProfile).

    cProfile adds a cost to every Python call, so the figures are larger than the real ones
    and C functions look cheaper than they are; the ranking is what they are for.
    """
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(number):
        function()
    profiler.disable()
    return top_functions(pstats.Stats(profiler), number=number, top=top)


def top_functions(stats: pstats.Stats, *, number: int = 1, top: int = 10
                  ) -> list[dict[str, Any]]:
    """The `top` functions by own time in a profile of `number` calls, per call."""
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    return [{"function": _where(key), "calls_per_call": round(calls / number, 1),
             "own_us": round(own / number * 1e6, 1),
             "cumulative_us": round(total / number * 1e6, 1)}
            for key, (_, calls, own, total, _) in rows]


def _where(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":
        return name  # a built-in: "<method 'join' of 'str' objects>"
    parts = Path(filename).parts
    for anchor in ("site-packages", "benchmarks", "connector"):
        if anchor in parts:
            index = parts.index(anchor) + (1 if anchor == "site-packages" else 0)
            return f"{'/'.join(parts[index:])}:{line}({name})"
    return f"{Path(filename).name}:{line}({name})"


@dataclass(frozen=True)
class Peak:
    """A process's resident memory, in MB: what it held before the work, and at most."""

    before_mb: float  # interpreter and imports, before the work began
    whole_mb: float  # the whole process's peak (VmHWM), imports included
    growth_mb: float  # how far the work raised the peak above `before_mb`


def process_peak(module: str, function: str, data: Path, *, timeout: float = 300) -> Peak:
    """Peak memory of `module.function(data bytes)` in a fresh interpreter.

    Only `module` (and what it imports) is loaded, so the whole-process figure is what a
    program doing this work alone would hold; lxml's C heap counts as well as Python objects.
    """
    done = subprocess.run([sys.executable, str(HERE / "harness.py"), "peak", module, function,
                           str(data)], capture_output=True, text=True, timeout=timeout,
                          check=False, cwd=HERE)
    if done.returncode != 0:
        raise RuntimeError(f"{module}.{function} failed: {done.stderr[-2000:]}")
    return Peak(**json.loads(done.stdout))


def _peak_here(module: str, function: str, data_file: str) -> Peak:
    work = getattr(importlib.import_module(module), function)
    data = Path(data_file).read_bytes()
    gc.collect()
    peak_before, before = status_kb("VmHWM"), status_kb("VmRSS")
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")  # reset VmHWM to the current RSS: the work's own peak follows
    work(data)
    peak = status_kb("VmHWM")
    return Peak(before_mb=round(before / 1024, 1), whole_mb=round(max(peak_before, peak) / 1024, 1),
                growth_mb=round((peak - before) / 1024, 1))


def status_kb(field: str, pid: int | str = "self") -> int:
    """A figure of /proc/PID/status in kB (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1])


@dataclass(frozen=True)
class Exchange:
    """One HTTP request a client sent and the answer it got."""

    thread: int
    started: float
    ended: float
    request: bytes
    response: bytes


@contextmanager
def exchanges(client: Any) -> Iterator[list[Exchange]]:
    """Every HTTP exchange the client makes inside the block, in the order they end."""
    seen: list[Exchange] = []
    http = client._http()
    real_post = http.post

    def recording_post(url: str, data: bytes, **kwargs: Any) -> Any:
        started = time.perf_counter()
        response = real_post(url, data=data, **kwargs)
        seen.append(Exchange(threading.get_ident(), started, time.perf_counter(), data,
                             response.content))
        return response

    http.post = recording_post
    try:
        yield seen
    finally:
        http.post = real_post


def machine() -> str:
    """One line naming the machine the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    return (f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} "
            f"{platform.release()} {platform.machine()}, Python {platform.python_version()}")


if __name__ == "__main__":
    if sys.argv[1:2] != ["peak"] or len(sys.argv) != 5:
        sys.exit(__doc__)
    print(json.dumps(_peak_here(*sys.argv[2:]).__dict__))
