"""The benchmark suite runs end to end at small sizes, and its non-timing facts hold.

Timings are not asserted here (the machine is shared); the figures that do not depend on speed
are: requests sent, records stored, memory growth bounded by a page, no error under load.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_quick_benchmark_run_writes_results_and_keeps_its_invariants(tmp_path):
    results, figures_file = tmp_path / "RESULTS.md", tmp_path / "figures.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick",
                    "--output", str(results), "--json", str(figures_file)],
                   check=True, capture_output=True, timeout=600)
    text = results.read_text()
    assert text.startswith("# Benchmark results\n\nMachine: ")
    for heading in ("## B1", "## B2", "## B3", "## B4", "## B5", "## Service under load"):
        assert heading in text
    figures = json.loads(figures_file.read_text())

    assert figures["b1"]["inputs"] == 66
    assert figures["b3"]["api"]["growth_mb"] < 50 and figures["b3"]["cli"]["growth_mb"] < 50
    b4 = figures["b4"]
    assert b4["requests"] == b4["records"] // 100  # full batches of 100 functions
    assert b4["stored"] == b4["ok"] == b4["records"] and b4["duplicates"] == 0
    b5 = figures["b5"]
    assert b5["requests"] == -(-b5["vendors"] // 1000)  # one request per 1,000-record page
    assert b5["bytes"] < b5["bytes_all_fields"] / 5
    assert figures["load"]["errors"] == 0 and figures["load"]["requests"] > 0
