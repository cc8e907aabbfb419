"""The gateway pipeline for one POST: faults, rate limit, control (XML, sender, the legacy
functions' schema), authentication (sign-in or session, and the sender's authorization for the
company), the company's concurrency slot, then the functions (independently or as one
transaction), committed at once or late."""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass, field

from lxml import etree

from . import errors, faults
from .config import CompanyConfig, SandboxConfig
from .context import Context
from .errors import ErrorEntry, Refused
from .functions import FUNCTIONS, WRITE_LIST_FUNCTIONS, WRITING_FUNCTIONS
from .legacyschema import violations
from .limits import ConcurrencyLimiter, RateLimiter
from .resultsets import ResultSets
from .sessions import Session, Sessions
from .stats import Stats
from .store import Store
from .wire import (
    Control,
    FunctionCall,
    Request,
    SignIn,
    check_control,
    control_block,
    control_failure,
    error_block,
    gateway_failure,
    new_response,
    parse_operation,
    parse_xml,
    read_control,
    salvage_control,
    serialize,
    sub,
)

log = logging.getLogger(__name__)

XML_TYPE = "text/xml; charset=UTF-8"


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


@dataclass
class _AuthFailure:
    """Who the authentication block names, and why it failed."""

    userid: str
    companyid: str
    error: ErrorEntry


def request_id() -> str:
    """A support id for a response, as the real gateway puts in requestinfo and GW errors."""
    return secrets.token_urlsafe(18)


class Pipeline:
    """One POST through the layers; the state it shares across requests."""

    def __init__(self, config: SandboxConfig, store: Store, stats: Stats) -> None:
        self.config = config
        self.store = store
        self.stats = stats
        self.sessions = Sessions(store, config.session_timeout_seconds, config.clock.now)
        self.limiter = ConcurrencyLimiter(config.hold_seconds)
        self.rate = RateLimiter(config.rate_limit_per_second)
        self.results = ResultSets(config.result_ttl_seconds)
        self.public_url = ""

    def expire_sessions(self) -> None:
        self.sessions.expire_all()

    # -- entry point -------------------------------------------------------------------------------

    def handle_post(self, body: bytes, arrived: float) -> Reply:
        """Answer one gateway POST, applying the configured faults around the real work.
        `arrived` (time.monotonic()) is when the request came in: the latency counts from it."""
        fault = self.config.faults.draw()
        if fault.kind == faults.STATUS_BEFORE:
            return Reply(fault.status, b"Service temporarily unavailable\n", "text/plain")
        if fault.kind == faults.HTML_BEFORE:
            return Reply(fault.status, faults.cloudflare_page(fault.status), "text/html")
        if fault.kind == faults.EXPIRE_BEFORE:
            self.expire_sessions()
        retry_after = self.rate.check()
        if retry_after is not None:
            refusal = errors.rate_limited(request_id())
            return Reply(refusal.status, gateway_failure(refusal),
                         headers={"Retry-After": str(retry_after)})
        reply = self.process(body, arrived)
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

    def process(self, body: bytes, arrived: float) -> Reply:
        control = Control()
        support_id = request_id()
        try:
            try:
                root = parse_xml(body)
            except Refused:
                control = salvage_control(body)
                raise
            control = read_control(root)
            check_control(root, control)
            if self.config.sender_password_for(control.senderid) != control.password:
                raise Refused(errors.bad_sender())
            request = Request(control)
            parse_operation(root, request)
            schema_errors = [e for call in request.functions for e in violations(call.body)]
            if schema_errors:
                raise Refused(*schema_errors)
        except Refused as exc:
            return Reply(200, control_failure(control, exc.errors, support_id))
        session = self._authenticate(request)
        if isinstance(session, _AuthFailure):
            return Reply(200, self._auth_failure(control, session, support_id))
        company = self.config.company(session.companyid)
        assert company is not None  # sessions are only made for configured companies
        limit = self.config.concurrency_of(company)
        with self.limiter.slot(company.company_id, limit) as (in_flight, held):
            if held:
                self.stats.count_held(company.company_id)
            if not in_flight:
                self.stats.count_refusal(company.company_id)
                failure = errors.too_many_operations(self.config.hold_seconds)
                return Reply(200, control_failure(control, [failure], support_id))
            self.stats.count_in_flight(company.company_id, in_flight)
            writes = any(c.name in WRITING_FUNCTIONS for c in request.functions)
            late_seconds = self.config.late_commits.draw() if writes else 0.0
            started = self.config.clock.now()
            if late_seconds:
                # Stamped now, visible only once it commits: nothing is written before then.
                time.sleep(late_seconds)
            outcomes = self._execute(request, session, company, started)
            response = self._response(request, session, outcomes, support_id)
            # The gateway's latency is its answer's time, its own work included: the emulator's
            # work is done inside it, not charged on top (it runs on the client's machine).
            answer_at = arrived + self.config.faults.latency_ms / 1000.0
            time.sleep(max(0.0, answer_at - time.monotonic()))
        return Reply(200, response)

    def _authenticate(self, request: Request) -> Session | _AuthFailure:
        """The request's session, or why authentication failed."""
        senderid = request.control.senderid
        login = request.login
        if login is None:
            session = self.sessions.touch(request.sessionid or "")
            if session is None:
                return _AuthFailure("", "", errors.invalid_session())
            if not self.config.sender_authorized(senderid):
                return _AuthFailure(session.userid, session.companyid,
                                    errors.sender_not_authorized(senderid, session.companyid))
            return session
        company_id, location = _split_company(login)
        company = self.config.company(company_id)
        if company is not None and not self.config.sender_authorized(senderid):
            return _AuthFailure(login.userid, company_id,
                                errors.sender_not_authorized(senderid, company_id))
        if company is None or not _signs_in(company, login, location):
            return _AuthFailure(login.userid, company_id, errors.sign_in_incorrect())
        self.stats.count_session()
        return self.sessions.create(login.userid, company.company_id, location)

    def _auth_failure(self, control: Control, failure: _AuthFailure, support_id: str) -> bytes:
        """Control success, then an authentication block with status, userid and companyid (no
        locationid) and the errors inside operation, as the real gateway answers."""
        root = new_response()
        control_block(root, control, "success")
        op = sub(root, "operation")
        auth = sub(op, "authentication")
        sub(auth, "status", "failure")
        sub(auth, "userid", failure.userid)
        sub(auth, "companyid", failure.companyid)
        error_block(op, [failure.error], support_id, control.showadditionalerrorinfo)
        return serialize(root, control.includewhitespace)

    # -- functions ---------------------------------------------------------------------------------

    def _execute(self, request: Request, session: Session, company: CompanyConfig,
                 now: float) -> list[_Outcome]:
        store = self.store.for_company(company.company_id)
        ctx = Context(
            store=store,
            sessions=self.sessions,
            session=session,
            company=company,
            config=self.config,
            public_url=self.public_url,
            results=self.results,
            now=now,
        )
        if not request.transaction:
            # One commit per request; each function keeps its own savepoint inside it, so a
            # failure still undoes only its own work.
            with store.transaction():
                return [self._run(ctx, call, request.control.unique) for call in request.functions]
        outcomes: list[_Outcome] = []
        try:
            with store.transaction():
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
            with ctx.store.transaction():
                # Marked first: a failure below rolls the mark back with the function's work.
                first = ctx.store.mark_executed(
                    ctx.session.companyid, call.controlid, call.name, time.time()
                )
                if unique and not first:
                    raise Refused(errors.already_executed(call.controlid))
                handler = FUNCTIONS.get(call.name)
                if handler is None:
                    raise Refused(errors.unknown_function(call.name))
                elements = handler(ctx, call.body)
        except Refused as exc:
            return _Outcome(call, "failure", errors=list(exc.errors))
        except Exception as exc:
            log.exception("function %s (controlid %s) failed", call.name, call.controlid)
            return _Outcome(call, "failure", errors=[errors.internal_error(type(exc).__name__)])
        return _Outcome(call, "success", elements)

    def _response(self, request: Request, session: Session, outcomes: list[_Outcome],
                  support_id: str) -> bytes:
        control = request.control
        root = new_response()
        control_block(root, control, "success")
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
                error_block(result, outcome.errors, support_id,
                            control.showadditionalerrorinfo)
        return serialize(root, control.includewhitespace)


def _signs_in(company: CompanyConfig, login: SignIn, location: str) -> bool:
    return (login.userid == company.user_id and login.password == company.user_password
            and (not location or location in company.entities))


def _split_company(login: SignIn) -> tuple[str, str]:
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
