"""A connector's settings, read once from the manifest's `defaults` into one frozen object.

Defaults live here and nowhere else; a protocol's limits cap what a manifest may ask for (page
and batch sizes), and a value over a limit is a manifest error, not a silent clamp.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connector.calls import RetryPolicy
from connector.protocol import Limits


@dataclass(frozen=True)
class Settings:
    """Retry policy, requests in flight per company, page and batch sizes, slot wait."""

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    concurrency: int = 2
    page_size: int = 100
    batch_size: int = 100
    slot_wait_ms: int = 30_000  # the Intacct gateway itself holds a request over its limit 30 s

    @classmethod
    def from_manifest(cls, defaults: Mapping[str, Any], limits: Limits) -> Settings:
        """The manifest's defaults over the protocol's limits; problems as (key, message)."""
        settings = cls(
            retry=RetryPolicy().merged(defaults.get("retry", {})),
            concurrency=defaults.get("concurrency", limits.concurrency),
            page_size=defaults.get("page_size", limits.max_page_size),
            batch_size=defaults.get("batch_size", limits.max_batch_size),
            slot_wait_ms=defaults.get("slot_wait_ms", cls.slot_wait_ms),
        )
        for name, limit in (("page_size", limits.max_page_size),
                            ("batch_size", limits.max_batch_size)):
            if getattr(settings, name) > limit:
                raise ValueError(f"defaults.{name} is {getattr(settings, name)}; the protocol "
                                 f"allows at most {limit}")
        return settings
