"""`Idempotency-Key` on invoke: a create retried after a timeout is applied once.

The key becomes the call's control ids: the same key on the same action and connection always
gives the same ids, so the gateway's own deduplication (Intacct: uniqueid) refuses to run a
function a second time and the shaper reports the earlier execution (`_alreadyApplied`). The
ids are a digest of the key, the action, the connection's name and its non-secret fields
(company, entity, user...), so two connections or companies never share them, and a password
change does not turn a retry into a second create.

A key reused with other inputs is refused (422) instead of silently answering "already
applied" for different data: the first use records a digest of the validated inputs in the
state store (a run named after the ids), and every later use compares. Nothing else is kept.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connector import jsontext
from connector.calls import Call
from connector.connection import secret_fields
from connector.errors import InputError, InputProblem

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
RUN_PREFIX = "idempotency:"


class IdempotencyKeyReused(InputError):
    """The key was first used with other inputs; nothing was sent."""


@dataclass(frozen=True)
class Claim:
    """The control ids to send with, and whether the key was seen before."""

    controlids: tuple[str, ...]
    replayed: bool


def check_key(action: str, key: str) -> None:
    """Refuse a key no retry could send the same way (before anything is sent)."""
    if not _KEY.match(key):
        raise InputError(action, [InputProblem(HEADER, HEADER, "must be 1 to 255 printable "
                                                               "ASCII characters, no spaces")])


def claim(store: Any, call: Call, key: str, connection_name: str,
          connection: Mapping[str, Any], schema: Mapping[str, Any]) -> Claim:
    """The control ids for this key, recording (or checking) the inputs it was first used
    with."""
    visible = {name: value for name, value in connection.items()
               if name not in secret_fields(schema)}
    scope = _digest([call.key, connection_name, visible, key])
    inputs = _digest(call.values)
    mine = uuid.uuid4().hex
    first = store.open_run(RUN_PREFIX + scope, {"inputs": inputs, "claim": mine})
    if first.get("inputs") != inputs:
        raise IdempotencyKeyReused(call.key, [InputProblem(
            HEADER, HEADER, "was first used with other inputs for this action and connection; "
                            "use a new key for new data")])
    ids = tuple(f"idem-{scope[:40]}-{index}" for index in range(len(call.bodies)))
    return Claim(ids, replayed=first.get("claim") != mine)


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=jsontext.default, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
