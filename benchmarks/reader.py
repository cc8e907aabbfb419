"""B3's Python API reader, run in a process of its own so that its memory is its own.

It imports what a program reading through the connector imports, iterates every record of
queryAndList (Connector.iter_records), keeps none, and prints how many it read.

    python benchmarks/reader.py CONNECTION_FILE QUERY     # QUERY "" reads every vendor
"""

from __future__ import annotations

import json
import sys

from connector.core import load_connector


def main(connection_file: str, query: str) -> None:
    connector = load_connector()
    connection = connector.connection(file=connection_file)
    inputs = {"objectName": "VENDOR", **({"query": query} if query else {})}
    count = sum(1 for _ in connector.iter_records("queryAndList", inputs, connection))
    print(json.dumps({"count": count}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
