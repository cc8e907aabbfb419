"""Editing a YAML file in place, as tests that break a copy of the connector do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml


def edit(path: Path, change: Callable[[Any], None]) -> None:
    """Load the file, let `change` edit the data, write it back in the same key order."""
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
