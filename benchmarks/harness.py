"""What every benchmark shares: medians of repeated timings, peak memory, the machine's description.

Timings are medians of several runs so that one noisy moment on a shared machine does not decide
a figure; comparisons are ratios of figures measured in the same run.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import platform
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


def compare_per_call(contenders: dict[str, Callable[[], Any]], *, number: int,
                     repeat: int = 9) -> dict[str, list[float]]:
    """Microseconds per call of each contender, one figure per run.

    The contenders take turns within each run, so a noisy moment on a shared machine slows all
    of them alike and the ratios between them stay meaningful.
    """
    for function in contenders.values():
        function()  # warm caches (compiled templates, validators, sessions)
    runs: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, function in contenders.items():
            gc.collect()
            started = time.perf_counter()
            for _ in range(number):
                function()
            runs[name].append((time.perf_counter() - started) / number * 1e6)
    return runs


def median_ratio(numerators: list[float], denominators: list[float]) -> float:
    """The median of run-by-run ratios (runs measured side by side)."""
    return statistics.median(a / b for a, b in zip(numerators, denominators, strict=True))


def median_seconds(function: Callable[[], Any], *, repeat: int = 5) -> float:
    """Median wall time of whole runs, in seconds."""
    runs = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def peak_growth_mb(function: Callable[..., Any], *args: Any) -> float:
    """How far peak resident memory rises while `function(*args)` runs, in MB.

    Measured in a fresh interpreter whose peak is reset first (Linux /proc), so it counts lxml's
    C heap as well as Python objects, and no memory freed earlier is there to be reused.
    `function` must be importable (a module-level function).
    """
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_peak_growth_here, (function, *args))


def _peak_growth_here(function: Callable[..., Any], *args: Any) -> float:
    gc.collect()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")  # reset VmHWM to the current RSS
    before = _status_kb("VmRSS")
    function(*args)
    return (_status_kb("VmHWM") - before) / 1024


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1])


@dataclass(frozen=True)
class Exchange:
    """One HTTP request a gateway sent and the answer it got."""

    thread: int
    started: float
    ended: float
    request: bytes
    response: bytes


@contextmanager
def exchanges(gateway: Any) -> Iterator[list[Exchange]]:
    """Every HTTP exchange the gateway makes inside the block, in the order they end."""
    seen: list[Exchange] = []
    real_post = gateway._http.post

    def recording_post(url: str, data: bytes, **kwargs: Any) -> Any:
        started = time.perf_counter()
        response = real_post(url, data=data, **kwargs)
        seen.append(Exchange(threading.get_ident(), started, time.perf_counter(), data,
                             response.content))
        return response

    gateway._http.post = recording_post
    try:
        yield seen
    finally:
        gateway._http.post = real_post


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
