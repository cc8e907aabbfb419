"""The official Node SDK `@intacct/intacct-sdk`, unchanged, against the sandbox.

The SDK only accepts *.intacct.com endpoints, so the sandbox announces
http://sandbox.intacct.com:<port>/... and a `--require` preload resolves that name to 127.0.0.1.
CI installs the SDK with `npm ci --prefix tests/interop/node`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from connector.intacct.sandbox import DEFAULT_CONNECTION, SandboxConfig, running_sandbox

NODE_DIR = Path(__file__).parent / "node"

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(
        not (NODE_DIR / "node_modules" / "@intacct" / "intacct-sdk").is_dir(),
        reason="Node SDK not installed: run `npm ci --prefix tests/interop/node`",
    ),
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH"),
]


def test_node_sdk_session_create_read_query_update_delete() -> None:
    config = SandboxConfig(public_url="http://sandbox.intacct.com:{port}/ia/xml/xmlgw.phtml")
    with running_sandbox(config=config) as sandbox:
        connection = {**DEFAULT_CONNECTION, "endpointUrl": sandbox.public_url}
        proc = subprocess.run(
            ["node", "--require", "./intacct-dns.js", "run-sdk.js", json.dumps(connection)],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        store = sandbox.store
        node1 = store.find("VENDOR", VENDORID="NODE-1")[0]
        assert node1["DISPLAYCONTACT"]["EMAIL1"] == "node-1@example.com"
        assert store.find("VENDOR", VENDORID="NODE-2")[0]["NAME"] == "Renamed by Node"
        assert store.find("VENDOR", VENDORID="NODE-3") == []
        stats = sandbox.stats.snapshot()

    assert out["session"]["endpointUrl"] == sandbox.public_url
    assert stats["sessions_created"] == 1
    assert [c["VENDORID"] for c in out["created"]] == ["NODE-1", "NODE-2", "NODE-3"]
    assert out["read"] == [
        {"RECORDNO": node1["RECORDNO"], "VENDORID": "NODE-1", "NAME": "Node vendor NODE-1"}
    ]
    assert out["readByQuery"] == {
        "count": 2,
        "totalCount": 3,
        "numRemaining": 1,
        "ids": ["NODE-1", "NODE-2"],
    }
    assert out["readMore"] == {"numRemaining": 0, "ids": ["NODE-3"]}
    assert out["query"] == {"totalCount": 3, "ids": ["NODE-3", "NODE-2", "NODE-1"]}
    assert out["update"][0]["VENDORID"] == "NODE-2"
    assert out["delete"] == "success"
    assert stats["functions"] == {
        "getAPISession": 1,
        "create": 3,
        "read": 1,
        "readByQuery": 1,
        "readMore": 1,
        "query": 1,
        "update": 1,
        "delete_vendor": 1,
    }
