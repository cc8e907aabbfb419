"""The official Intacct Node SDK as a B1 contender: a Node process that times its own calls.

`node/percall.js` builds each call with the SDK's classes, serializes it and parses the captured
response, in-process, warmed up before any timing. This side starts it, asks it for a number of
calls at a time (so that it takes its turn between the Python contenders) and reads back the
microseconds per call. Every answer has a deadline.
"""

from __future__ import annotations

import contextlib
import json
import select
import shutil
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from harness import Contender

NODE_DIR = Path(__file__).resolve().with_name("node")
SDK_DIR = NODE_DIR / "node_modules" / "@intacct" / "intacct-sdk"
START_SECONDS = 120  # start-up includes warming up both calls
ANSWER_SECONDS = 120


def unavailable() -> str | None:
    """Why the Node contender cannot run on this machine, or None when it can."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not SDK_DIR.is_dir():
        return "its modules are not installed (npm ci --prefix benchmarks/node)"
    return None


class NodeSDK:
    """A running `node percall.js` for one set of inputs and captured responses."""

    def __init__(self, spec: dict[str, Any]) -> None:
        """Start Node with `spec` (connection, sessionId, inputs, recordNo, responses)."""
        self._process = subprocess.Popen(
            ["node", str(NODE_DIR / "percall.js")], cwd=NODE_DIR, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            self._ask(spec, START_SECONDS)
        except BaseException:
            self.close()
            raise

    def contender(self, action: str) -> Contender:
        """`number` calls of an action, timed by Node, in microseconds per call."""
        return lambda number: float(self._ask({"time": action, "number": number})["us"])

    def check(self, action: str) -> dict[str, Any]:
        """One call of an action: the request the SDK sent and the data it returned."""
        return self._ask({"check": action})

    def close(self) -> None:
        """Close Node's input, which ends it; kill it if it does not end within 10 s."""
        with contextlib.suppress(BrokenPipeError):  # (Node had stopped already)
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        self._process.stdout.close()
        self._process.stderr.close()

    def __enter__(self) -> NodeSDK:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def _ask(self, command: dict[str, Any], seconds: float = ANSWER_SECONDS) -> dict[str, Any]:
        self._process.stdin.write(json.dumps(command) + "\n")
        self._process.stdin.flush()
        return self._read(seconds)

    def _read(self, seconds: float) -> dict[str, Any]:
        """The next answer line, or an error if Node stops or says nothing within `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self._process.kill()
                raise RuntimeError(f"the Node SDK contender did not answer within {seconds} s")
            ready, _, _ = select.select([self._process.stdout], [], [], left)
            if ready:
                break
        line = self._process.stdout.readline()
        if not line:
            self._process.wait(timeout=10)
            raise RuntimeError(f"the Node SDK contender stopped: {self._process.stderr.read()}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the Node SDK contender refused a command: {answer['error']}")
        return answer
