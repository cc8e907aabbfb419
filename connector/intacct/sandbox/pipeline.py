"""The gateway pipeline for one POST: faults, rate limit, control, authentication, the
company's concurrency slot, then the functions (independently or as one transaction)."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from . import errors, faults
from .config import SandboxConfig
from .errors import ErrorEntry, Refused
from .functions import FUNCTIONS, WRITE_LIST_FUNCTIONS, Context, ResultSets
from .limits import ConcurrencyLimiter, RateLimiter
from .sessions import Session, Sessions
from .store import Store
from .wire import (
    Control,
    FunctionCall,
    Request,
    control_block,
    control_failure,
    error_block,
    new_response,
    parse_control,
    parse_operation,
    parse_xml,
    serialize,
    sub,
)

log = logging.getLogger(__name__)

XML_TYPE = "text/xml; charset=UTF-8"


class Stats:
    """Thread-safe counters for test assertions and the benchmark."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.http_status: Counter[int] = Counter()
            self.functions: Counter[str] = Counter()
            self.sessions_created = 0

    def count_request(self, status: int) -> None:
        with self._lock:
            self.requests += 1
            self.http_status[status] += 1

    def count_function(self, name: str) -> None:
        with self._lock:
            self.functions[name] += 1

    def count_session(self) -> None:
        with self._lock:
            self.sessions_created += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "http_status": dict(self.http_status),
                "functions": dict(self.functions),
                "sessions_created": self.sessions_created,
            }


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = XML_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering


@dataclass
class _Outcome:
    call: FunctionCall
    status: str
    elements: list[etree._Element] = field(default_factory=list)
    errors: list[ErrorEntry] = field(default_factory=list)


class _Rollback(Exception):
    """Unwinds an operation-level transaction after a function failed."""


class Pipeline:
    """One POST through the layers; the state it shares across requests."""

    def __init__(self, config: SandboxConfig, store: Store, stats: Stats) -> None:
        self.config = config
        self.store = store
        self.stats = stats
        self.sessions = Sessions(store, config.session_timeout_seconds)
        self.limiter = ConcurrencyLimiter(config.max_concurrent, config.hold_seconds)
        self.rate = RateLimiter(config.rate_limit_per_second)
        self.results = ResultSets(config.result_ttl_seconds)
        self.public_url = ""

    def expire_sessions(self) -> None:
        self.sessions.expire_all()

    # -- entry point -------------------------------------------------------------------------------

    def handle_post(self, body: bytes) -> Reply:
        """Answer one gateway POST, applying the configured faults around the real work."""
        fault = self.config.faults.draw()
        if fault.kind == faults.STATUS_BEFORE:
            return Reply(fault.status, b"Service temporarily unavailable\n", "text/plain")
        if fault.kind == faults.HTML_BEFORE:
            return Reply(fault.status, faults.cloudflare_page(fault.status), "text/html")
        if fault.kind == faults.EXPIRE_BEFORE:
            self.expire_sessions()
        retry_after = self.rate.check()
        if retry_after is not None:
            assert self.config.rate_limit_per_second is not None
            body_xml = control_failure(
                Control(), [errors.rate_limited(self.config.rate_limit_per_second)]
            )
            return Reply(429, body_xml, headers={"Retry-After": str(retry_after)})
        reply = self.process(body)
        if fault.kind == faults.LOST_AFTER:
            return Reply(524, faults.cloudflare_page(524), "text/html")
        if fault.kind == faults.DROP_AFTER:
            return Reply(0, drop=True)
        if fault.kind == faults.EMPTY_AFTER:
            return Reply(200, b"")
        if fault.kind == faults.TRUNCATED_AFTER:
            return Reply(200, reply.body[: len(reply.body) // 2])
        return reply

    # -- layers ------------------------------------------------------------------------------------

    def process(self, body: bytes) -> Reply:
        control = Control()
        try:
            root = parse_xml(body)
            control = parse_control(root)
            if self.config.sender_password_for(control.senderid) != control.password:
                raise Refused(errors.bad_sender())
            request = Request(control)
            parse_operation(root, request)
            company = self._company_of(request)
            if company is not None and not self.config.sender_authorized(control.senderid, company):
                raise Refused(errors.sender_not_authorized(control.senderid, company))
        except Refused as exc:
            return Reply(200, control_failure(control, exc.errors, control.includewhitespace))
        session = self._authenticate(request)
        if isinstance(session, bytes):
            return Reply(200, session)
        with self.limiter.slot(session.companyid) as acquired:
            if not acquired:
                failure = errors.too_many_operations(self.config.hold_seconds)
                return Reply(200, control_failure(control, [failure], control.includewhitespace))
            if self.config.faults.latency_ms:
                time.sleep(self.config.faults.latency_ms / 1000.0)
            outcomes = self._execute(request, session)
        return Reply(200, self._response(request, session, outcomes))

    def _company_of(self, request: Request) -> str | None:
        if request.login is not None:
            return _split_company(request.login)[0]
        row = self.store.load_session(request.sessionid or "")
        return row["companyid"] if row else None

    def _authenticate(self, request: Request) -> Session | bytes:
        """The request's session, or the bytes of an authentication-failure response."""
        login = request.login
        if login is not None:
            company, location = _split_company(login)
            ok = (
                login.userid == self.config.user_id
                and login.password == self.config.user_password
                and company.upper() == self.config.company_id.upper()
                and (not location or location in self.config.entities)
            )
            if ok:
                self.stats.count_session()
                return self.sessions.create(login.userid, self.config.company_id, location)
            who = (login.userid, company, location)
            detail = errors.sign_in_incorrect()
        else:
            session = self.sessions.touch(request.sessionid or "")
            if session is not None:
                return session
            who = ("", "", "")
            detail = errors.invalid_session()
        root = new_response()
        control_block(root, request.control, "success")
        op = sub(root, "operation")
        auth = sub(op, "authentication")
        sub(auth, "status", "failure")
        sub(auth, "userid", who[0])
        sub(auth, "companyid", who[1])
        sub(auth, "locationid", who[2])
        error_block(op, [detail])
        return serialize(root, request.control.includewhitespace)

    # -- functions ---------------------------------------------------------------------------------

    def _execute(self, request: Request, session: Session) -> list[_Outcome]:
        ctx = Context(
            store=self.store,
            sessions=self.sessions,
            session=session,
            config=self.config,
            public_url=self.public_url,
            results=self.results,
        )
        if not request.transaction:
            # One commit per request; each function keeps its own savepoint inside it, so a
            # failure still undoes only its own work.
            with self.store.transaction():
                return [self._run(ctx, call, request.control.unique) for call in request.functions]
        outcomes: list[_Outcome] = []
        try:
            with self.store.transaction():
                for call in request.functions:
                    outcome = self._run(ctx, call, request.control.unique)
                    outcomes.append(outcome)
                    if outcome.status != "success":
                        raise _Rollback
        except _Rollback:
            rolled_back = errors.transaction_rolled_back()
            failed = outcomes[-1]
            failed.errors.append(rolled_back)
            done = [_Outcome(o.call, "aborted", errors=[rolled_back]) for o in outcomes[:-1]]
            rest = [
                _Outcome(c, "aborted", errors=[rolled_back])
                for c in request.functions[len(outcomes) :]
            ]
            return [*done, failed, *rest]
        return outcomes

    def _run(self, ctx: Context, call: FunctionCall, unique: bool) -> _Outcome:
        """One function in its own savepoint: its failure undoes only its own work."""
        self.stats.count_function(call.name)
        try:
            with self.store.transaction():
                if unique and self.store.was_executed(ctx.session.companyid, call.controlid):
                    raise Refused(errors.already_executed(call.controlid))
                handler = FUNCTIONS.get(call.name)
                if handler is None:
                    raise Refused(errors.unknown_function(call.name))
                elements = handler(ctx, call.body)
                self.store.mark_executed(
                    ctx.session.companyid, call.controlid, call.name, time.time()
                )
        except Refused as exc:
            return _Outcome(call, "failure", errors=list(exc.errors))
        except Exception as exc:
            log.exception("function %s (controlid %s) failed", call.name, call.controlid)
            return _Outcome(call, "failure", errors=[errors.internal_error(type(exc).__name__)])
        return _Outcome(call, "success", elements)

    def _response(self, request: Request, session: Session, outcomes: list[_Outcome]) -> bytes:
        root = new_response()
        control_block(root, request.control, "success")
        op = sub(root, "operation")
        auth = sub(op, "authentication")
        sub(auth, "status", "success")
        sub(auth, "userid", session.userid)
        sub(auth, "companyid", session.companyid)
        sub(auth, "locationid", session.locationid)
        sub(auth, "sessiontimestamp", session.timestamp_text)
        sub(auth, "sessiontimeout", session.timeout_text)
        for outcome in outcomes:
            result = sub(op, "result")
            sub(result, "status", outcome.status)
            sub(result, "function", outcome.call.name)
            sub(result, "controlid", outcome.call.controlid)
            for el in outcome.elements:
                result.append(el)
            if outcome.errors:
                if outcome.call.name in WRITE_LIST_FUNCTIONS:
                    data = sub(result, "data")
                    data.set("listtype", "objects")
                    data.set("count", "0")
                error_block(result, outcome.errors)
        return serialize(root, request.control.includewhitespace)


def _split_company(login: Any) -> tuple[str, str]:
    """(company, entity) from a login: "company|entity", "console|client|entity" or clientid."""
    parts = [p.strip() for p in login.companyid.split("|")]
    company = parts[0]
    location = login.locationid
    if len(parts) == 2:
        location = location or parts[1]
    elif len(parts) >= 3:
        company, location = parts[1], location or parts[2]
    if login.clientid:
        company = login.clientid
    return company, location
