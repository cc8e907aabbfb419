"""Pages of a data source or a list action, and the opaque cursors that continue them.

A cursor carries the protocol's continuation token (Intacct's resultId, a JSON API's cursor)
and a fingerprint of what was asked (the key, the inputs, the search, the page size), so a
cursor sent with different inputs or another search is refused before anything is sent
instead of continuing the wrong list. It is base64url JSON: opaque to callers, not a secret
and not signed (a forged token can only ask the remote API for a page it would refuse).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connector import jsontext
from connector.errors import InputError, InputProblem

VERSION = 1
CURSOR_PATH = "cursor"


@dataclass(frozen=True)
class Page:
    """One page: its items or records, and the cursor of the next page (None: the last)."""

    items: list[Any]
    cursor: str | None


def fingerprint(key: str, values: Mapping[str, Any], **asked: Any) -> str:
    text = json.dumps([key, dict(values), asked], sort_keys=True, default=jsontext.default)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def encode(token: str, asked: str) -> str:
    payload = json.dumps({"v": VERSION, "f": asked, "t": token}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode(key: str, cursor: str, asked: str) -> str:
    """The continuation token in a cursor made for the same request; InputError otherwise."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        valid = (isinstance(payload, dict) and payload.get("v") == VERSION
                 and isinstance(payload.get("t"), str))
    except (ValueError, UnicodeError, binascii.Error):
        valid = False
    if not valid:
        raise _refused(key, "is not a cursor this service gave (pass the next_cursor of the "
                            "previous page as it is)")
    if payload.get("f") != asked:
        raise _refused(key, "belongs to another list: send the same inputs and search as the "
                            "request that gave it, or leave the cursor out to start again")
    return payload["t"]


def _refused(key: str, problem: str) -> InputError:
    return InputError(key, [InputProblem(CURSOR_PATH, "Cursor", problem)])
