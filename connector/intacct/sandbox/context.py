"""What a gateway function runs with (the company's store, the session, the instant of the
call), and the helpers every function shares: finding an object, reading arguments, building
``<data>`` and ``<key>``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lxml import etree

from . import errors
from .config import CompanyConfig, SandboxConfig
from .errors import Refused
from .objects import ObjectDef, lookup
from .records import Records
from .resultsets import ResultSets
from .sessions import Session, Sessions
from .store import Store
from .wire import text_of


@dataclass
class Context:
    store: Store  # the session's company's records
    sessions: Sessions
    session: Session
    company: CompanyConfig
    config: SandboxConfig
    public_url: str
    results: ResultSets
    now: float = field(default_factory=time.time)  # a late commit's is its request's start

    @cached_property
    def records(self) -> Records:
        """One per request, so its timestamp is written once for all of the request's writes."""
        return Records(self.store, self.now, self.session.userid, self.company.tz, audit=True)


Handler = Callable[[Context, etree._Element], list[etree._Element]]

DEFAULT_PAGE = 100


def object_def(name: str, query_function: bool = False) -> ObjectDef:
    """Any object by name, or Refused "Object definition X not found"."""
    odef = lookup(name)
    if odef is None:
        raise Refused(errors.object_not_found(name.strip(), query_function))
    return odef


def writable_def(name: str, operation: str) -> ObjectDef:
    """An object a create, update or delete may write; lines and AUDITHISTORY are refused."""
    odef = object_def(name)
    if not odef.writable:
        raise Refused(errors.operation_not_allowed(operation, odef.name))
    return odef


def required_text(body: etree._Element, tag: str) -> str:
    value = text_of(body, tag)
    if not value:
        raise Refused(errors.invalid_argument(f"<{body.tag}> requires <{tag}>"))
    return value


def pagesize(body: etree._Element, maximum: int) -> int:
    text = text_of(body, "pagesize")
    if not text:
        return DEFAULT_PAGE
    try:
        size = int(text)
    except ValueError:
        raise Refused(errors.invalid_argument(f"pagesize '{text}' is not a number")) from None
    if size < 1:
        raise Refused(errors.invalid_argument("pagesize must be at least 1"))
    return min(size, maximum)


def data_element(listtype: str, **attrs: Any) -> etree._Element:
    return etree.Element("data", {"listtype": listtype,
                                  **{key: str(value) for key, value in attrs.items()}})


def key_element(value: str) -> etree._Element:
    el = etree.Element("key")
    el.text = value
    return el
