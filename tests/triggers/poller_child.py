"""A poller in its own process, for the crash tests: one recurrence, its events printed as a
JSON line, then acknowledged (printed too). With --stop-at it announces the point ("fetched":
changes read, nothing committed; "committed": committed, not returned; "delivered": printed,
not acknowledged) and waits there to be killed. --skew moves this process's clock."""

from __future__ import annotations

import argparse
import json
import sys
import time

STOP_DEADLINE = 60.0  # a stopped poller nobody kills gives up


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connection", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--inputs", default='{"resourceType": "VENDOR"}')
    parser.add_argument("--stop-at", choices=["fetched", "committed", "delivered"])
    parser.add_argument("--skew", type=float, default=0.0, help="seconds added to the clock")
    args = parser.parse_args()
    if args.skew:
        real_time, real_ns = time.time, time.time_ns
        time.time = lambda: real_time() + args.skew
        time.time_ns = lambda: real_ns() + int(args.skew * 1e9)

    from connector.core import load_connector

    connector = load_connector()
    with open(args.connection) as file:
        connection = json.load(file)

    def stop(point: str) -> None:
        if point == args.stop_at:
            print(json.dumps({"at": point}), flush=True)
            time.sleep(STOP_DEADLINE)
            sys.exit(3)

    result = connector.poll("newAndUpdatedRecords", json.loads(args.inputs), connection,
                            state=args.state, checkpoint=stop)
    ids = [event.id for event in result.events]
    print(json.dumps({"events": ids, "more": result.more}), flush=True)
    stop("delivered")
    if result.ack_token:
        connector.ack(result.ack_token, state=args.state)
    print(json.dumps({"acked": ids}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
