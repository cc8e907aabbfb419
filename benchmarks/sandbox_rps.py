"""Requests per second the sandbox serves over loopback.

Two workloads (a readByQuery returning 10 records, a single-vendor create) with 1 and 2
concurrent clients, each measured for a few seconds, median of 3 runs. Prints a table; import
and call ``run()`` for the numbers. Writes no files.

    python benchmarks/sandbox_rps.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import threading
import time
from collections.abc import Callable

import requests

from connector.intacct.sandbox import DEFAULT_CONNECTION, SandboxConfig, running_sandbox

RUNS = 3


def _envelope(auth: str, function: str, controlid: str = "rps") -> bytes:
    c = DEFAULT_CONNECTION
    return (
        '<?xml version="1.0" encoding="UTF-8"?><request><control>'
        f"<senderid>{c['senderId']}</senderid><password>{c['senderPassword']}</password>"
        f"<controlid>{controlid}</controlid><uniqueid>false</uniqueid>"
        f"<dtdversion>3.0</dtdversion></control><operation><authentication>{auth}"
        f'</authentication><content><function controlid="{controlid}">{function}</function>'
        "</content></operation></request>"
    ).encode()


def _session(url: str) -> str:
    c = DEFAULT_CONNECTION
    login = (
        f"<login><userid>{c['userId']}</userid><companyid>{c['companyId']}</companyid>"
        f"<password>{c['userPassword']}</password></login>"
    )
    resp = requests.post(url, data=_envelope(login, "<getAPISession/>"), timeout=10)
    start = resp.text.index("<sessionid>") + len("<sessionid>")
    return resp.text[start : resp.text.index("</sessionid>")]


def _measure(url: str, clients: int, seconds: float, body: Callable[[], bytes]) -> float:
    """Requests/second completed by `clients` threads posting back to back for `seconds`."""
    done = [0] * clients
    failures: list[str] = []
    deadline = time.monotonic() + seconds

    def worker(i: int) -> None:
        with requests.Session() as http:
            while time.monotonic() < deadline:
                resp = http.post(url, data=body(), timeout=10)
                if resp.status_code != 200 or b"<status>failure</status>" in resp.content:
                    failures.append(resp.text[:200])
                    return
                done[i] += 1

    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"benchmark request failed: {failures[0]}")
    return sum(done) / (time.monotonic() - start)


def run(seconds: float = 2.0) -> dict[str, dict[int, float]]:
    """{workload: {clients: median requests/second}} for both workloads and 1 and 2 clients."""
    seconds = min(seconds, 5.0)
    results: dict[str, dict[int, float]] = {}
    with running_sandbox(db=":memory:", seed="demo", config=SandboxConfig()) as sb:
        auth = f"<sessionid>{_session(sb.url)}</sessionid>"
        vendors = "".join(
            f"<VENDOR><VENDORID>RBQ-{n:02d}</VENDORID><NAME>Bench {n}</NAME></VENDOR>"
            for n in range(10)
        )
        requests.post(sb.url, data=_envelope(auth, f"<create>{vendors}</create>"), timeout=10)
        query = _envelope(
            auth,
            "<readByQuery><object>VENDOR</object><fields>*</fields>"
            "<query>VENDORID LIKE 'RBQ-%'</query><pagesize>10</pagesize></readByQuery>",
        )
        counter = itertools.count()

        def create() -> bytes:
            n = next(counter)
            return _envelope(
                auth,
                f"<create><VENDOR><VENDORID>RPS-{n}</VENDORID><NAME>x</NAME></VENDOR></create>",
            )

        workloads: dict[str, Callable[[], bytes]] = {
            "readByQuery (10 records)": lambda: query,
            "create (1 vendor)": create,
        }
        for name, body in workloads.items():
            results[name] = {
                clients: statistics.median(
                    _measure(sb.url, clients, seconds, body) for _ in range(RUNS)
                )
                for clients in (1, 2)
            }
    return results


def _table(results: dict[str, dict[int, float]]) -> str:
    lines = [f"{'workload':<26} {'1 client':>10} {'2 clients':>10}", "-" * 48]
    for name, by_clients in results.items():
        lines.append(f"{name:<26} {by_clients[1]:>10.1f} {by_clients[2]:>10.1f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per run, at most 5")
    args = parser.parse_args()
    print("Sandbox requests/second over loopback (median of 3 runs)")
    print(_table(run(args.seconds)))


if __name__ == "__main__":
    main()
