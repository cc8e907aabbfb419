"""The Intacct gateway client: one per connection, shared by every invocation and thread.

It signs in once with getAPISession (sent alone, with login credentials), checks the endpoint it
is given, reuses the session until shortly before its timeout, and signs in again once when the
gateway says the session is gone. Each function keeps its controlid across retries so that, with
uniqueid true, a retried mutation is never executed twice.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from lxml import etree

from connector import telemetry
from connector.calls import CallOptions, RetryPolicy
from connector.coordination.config import Coordination
from connector.coordination.sessions import CachedSession, get_or_sign_in, seconds_to_keep
from connector.errors import (
    AuthenticationError,
    ConnectionConfigError,
    DeadlineExceeded,
    GatewayError,
    OutcomeUnknown,
    SlotTimeout,
    TransportError,
)
from connector.intacct.endpoint import trusted_endpoint
from connector.intacct.envelope import Login, SessionAuth, build_request, is_mutating
from connector.intacct.errors import is_retryable
from connector.intacct.response import (
    Response,
    Result,
    first_failure,
    parse_page,
    parse_response,
)
from connector.redact import Redactor
from connector.retry import call_with_retries, retry_after_seconds
from connector.settings import Settings

if TYPE_CHECKING:  # requests is imported when a request is sent, not to render one
    import requests

log = logging.getLogger("connector.intacct")

DEFAULT_ENDPOINT = "https://api.intacct.com/ia/xml/xmlgw.phtml"
PROTOCOL = "intacct-xml"  # the name telemetry reports carry
SENSITIVE_TAGS = (
    "password", "sessionid", "TAXID", "SSN", "SOCIALSECURITYNUMBER", "ACHACCOUNTNUMBER",
    "ACHBANKROUTINGNUMBER", "ROUTINGNUMBER", "ROUTINGNO", "BANKACCOUNTNO", "BANKACCOUNTNUMBER",
    "ACCOUNTNUMBER", "CARDNUM", "CARDNUMBER", "CREDITCARDNUMBER", "CVV", "SECURITYCODE",
)
_RENEW_MARGIN_S = 60.0  # a session is renewed this long before the gateway's sessiontimeout
# Sessions a call may open after the gateway refused one (it can expire again at once).
SIGN_INS_PER_CALL = 2
SLOT_RETRY_AFTER_S = 1.0
# HTTP statuses with which the gateway's front refuses a request before any work is done.
_REFUSED_BEFORE_WORK = {429, 503}
# Session endpoints a client remembers having checked (a connection has one or two).
_TRUSTED_KEPT = 16
# How long a signed-in session is kept at most, whatever its timeout says.
SESSION_MAX_AGE_S = 24 * 3600.0


class IntacctClient:
    """Sends functions to one Intacct company and returns parsed responses."""

    def __init__(self, connection: Mapping[str, Any], settings: Settings,
                 coordination: Coordination) -> None:
        missing = [k for k in ("senderId", "senderPassword", "companyId", "userId",
                               "userPassword") if not connection.get(k)]
        if missing:
            raise ConnectionConfigError(f"the connection is missing {', '.join(missing)}")
        self._connection = dict(connection)
        self._login = Login(connection["userId"], connection["companyId"],
                            connection["userPassword"], connection.get("entityId") or None)
        self._endpoint = connection.get("endpointUrl") or DEFAULT_ENDPOINT
        self._allowed_hosts = tuple(connection.get("allowedEndpointHosts", []))
        self._company = connection["companyId"].split("|")[0]
        self._session: requests.Session | None = None  # made on the first request
        self._session_lock = threading.Lock()
        self._coordination = coordination
        self._concurrency = settings.concurrency
        self._session_key = session_key(connection, coordination.session_secret)
        self._trusted = {self._endpoint}  # session endpoints checked already
        self.redactor = Redactor(
            [connection["senderPassword"], connection["userPassword"]], SENSITIVE_TAGS)

    def execute(self, bodies: Sequence[etree._Element], options: CallOptions) -> Response:
        """Send function bodies in one request; each function's failure is in its result.

        `options.controlids` (one per body) lets a caller that may send the same work again,
        such as a resumed bulk run, keep them stable so that uniqueid deduplicates it.
        """
        return self._execute(bodies, options, parse_response)

    def pages(self, body: etree._Element, options: CallOptions) -> Iterator[Result]:
        """Yield the first page, then readMore pages until numremaining is 0.

        A page is let go before the next is asked for, so that one page at a time is held.
        """
        result: Result | None = self._only_result(body, options)
        while result is not None:
            more = None
            if result.more:
                more = etree.Element("readMore")
                etree.SubElement(more, "resultId").text = result.attribute("resultId")
            yield result
            result = None
            if more is not None:
                result = self._only_result(more, options)

    def _only_result(self, body: etree._Element, options: CallOptions) -> Result:
        response = self._execute([body], options, parse_page)
        _raise_first_failure(response)
        return response.results[0]

    def preview(self, bodies: Sequence[etree._Element], options: CallOptions) -> str:
        body = build_request(
            sender_id=self._connection["senderId"],
            sender_password=self._connection["senderPassword"],
            controlid="preview", auth=SessionAuth("session-id-from-getAPISession"),
            functions=[(f"function-{i + 1}", f) for i, f in enumerate(bodies)],
            transaction=options.transaction)
        return self.redactor.bytes(body)

    def close(self) -> None:
        if self._session is not None:
            self._session.close()

    def _http(self) -> requests.Session:
        """The HTTP session, made on first use (a client that only renders never needs one)."""
        if self._session is None:
            import requests

            with self._session_lock:
                if self._session is None:
                    self._session = requests.Session()
        return self._session

    # -- sessions -------------------------------------------------------------------------

    def _execute(self, bodies: Sequence[etree._Element], options: CallOptions,
                 read: Callable[..., Response]) -> Response:
        ids = options.controlids or [str(uuid.uuid4()) for _ in bodies]
        return self._with_session(list(zip(ids, bodies, strict=True)), options, read)

    def _with_session(self, numbered: list[tuple[str, etree._Element]],
                      options: CallOptions, read: Callable[..., Response]) -> Response:
        """Send with the current session; when the gateway refuses it, sign in and repeat.

        Company credentials were accepted when the session was made, so a refusal means the
        session expired or was revoked. It can happen again right after signing in (a
        revocation in progress), so a call signs in at most SIGN_INS_PER_CALL times.
        """
        for sign_ins in range(SIGN_INS_PER_CALL + 1):
            session = self._current_session(options)
            try:
                response = self._send(session.endpoint, SessionAuth(session.id), numbered,
                                      options, read)
                self._slide(session, response)
                return response
            except AuthenticationError as exc:
                self._forget_session(session)
                refused = exc
                log.info("session refused by the gateway; signing in again (%d of %d)",
                         sign_ins + 1, SIGN_INS_PER_CALL)
        raise AuthenticationError(
            # The gateway's correction says to sign in again: the client did, so it is dropped.
            [dataclasses.replace(e, correction="") for e in refused.errors],
            refused.raw_response,
            summary=f"the gateway refused the session {SIGN_INS_PER_CALL + 1} times in a row, "
                    f"right after signing in again each time")

    def _current_session(self, options: CallOptions) -> CachedSession:
        """The connection's session from the cache (shared by every thread, and with Redis by
        every worker); one caller signs in while the others wait for its session."""
        session = get_or_sign_in(
            self._coordination.sessions, self._coordination.coordinator, self._session_key,
            lambda: self._open_session(options), margin=_RENEW_MARGIN_S,
            max_age=SESSION_MAX_AGE_S, wait=_bounded_wait(options))
        self.redactor.add(session.id)
        if session.endpoint not in self._trusted:  # the cache may be shared: trust nothing in it
            trusted_endpoint(session.endpoint, self._allowed_hosts)
            if len(self._trusted) >= _TRUSTED_KEPT:
                self._trusted = {self._endpoint}
            self._trusted.add(session.endpoint)
        return session

    def _forget_session(self, session: CachedSession) -> None:
        """Drop the session the gateway refused (only that one: another worker may have put
        a fresh one meanwhile)."""
        self._coordination.sessions.invalidate(self._session_key, session.id)

    def _slide(self, session: CachedSession, response: Response) -> CachedSession:
        """Keep a session longer when the gateway moved its timeout forward."""
        expiry = _session_expiry(response)
        if expiry is None or session.expires is None:
            return session
        if (expiry - session.expires).total_seconds() < _RENEW_MARGIN_S:
            return session
        slid = CachedSession(session.id, session.endpoint, expiry)
        keep = seconds_to_keep(slid, SESSION_MAX_AGE_S, _RENEW_MARGIN_S)
        if keep > 0:
            self._coordination.sessions.put(self._session_key, slid, keep)
        return slid

    def _open_session(self, options: CallOptions) -> CachedSession:
        try:
            session = self._sign_in(options)
        except Exception:
            telemetry.sign_in(PROTOCOL, "failed")  # telemetry: sign-in
            raise
        telemetry.sign_in(PROTOCOL, "ok")  # telemetry: sign-in
        return session

    def _sign_in(self, options: CallOptions) -> CachedSession:
        body = etree.Element("getAPISession")
        if self._login.entity_id:
            etree.SubElement(body, "locationid").text = self._login.entity_id
        response = self._send(self._endpoint, self._login, [(str(uuid.uuid4()), body)], options,
                              parse_response)
        _raise_first_failure(response)
        api = response.results[0].data.find("api") if response.results else None
        session_id = api.findtext("sessionid") if api is not None else None
        if not session_id:
            raise TransportError("getAPISession returned no session id")
        self.redactor.add(session_id)
        returned = (api.findtext("endpoint") or "").strip()
        endpoint = trusted_endpoint(returned, self._allowed_hosts) if returned else self._endpoint
        return CachedSession(session_id, endpoint, _session_expiry(response))

    # -- transport ------------------------------------------------------------------------

    def _send(self, url: str, auth: Login | SessionAuth,
              numbered: list[tuple[str, etree._Element]], options: CallOptions,
              read: Callable[..., Response]) -> Response:
        """One request, retried as the policy allows with the same control ids throughout, so
        that a mutation sent again after a lost answer is refused as already executed."""
        payload = build_request(
            sender_id=self._connection["senderId"],
            sender_password=self._connection["senderPassword"], controlid=str(uuid.uuid4()),
            auth=auth, functions=numbered, transaction=options.transaction)

        attempts = 0

        def attempt() -> Response:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                telemetry.retry(PROTOCOL)  # telemetry: retry
            return self._post(url, payload, options, read)

        try:
            return call_with_retries(attempt, options, transient=_transient(options.retry),
                                     busy=_busy, describe=self.redactor.text)
        except TransportError as exc:
            mutating = any(is_mutating(body) for _, body in numbered)
            if not (exc.sent and mutating) or isinstance(exc, OutcomeUnknown):
                raise
            ids = [controlid for controlid, _ in numbered]
            raise OutcomeUnknown(
                f"{self.redactor.text(exc.message)}; no complete answer came back, so the call "
                f"may have been applied. Before sending it again, look up the function(s) with "
                f"controlid {', '.join(ids)} (sending the same controlid with uniqueid is safe)",
                controlids=ids, raw_response=exc.raw_response) from exc

    def _post(self, url: str, payload: bytes, options: CallOptions,
              read: Callable[..., Response]) -> Response:
        """One exchange; `read` parses the answer (a page's records as they are parsed)."""
        headers = {"Content-Type": "application/xml", "Accept": "application/xml",
                   **options.headers}
        remaining = options.remaining()
        if remaining is not None and remaining <= 0:
            raise DeadlineExceeded("the call's deadline passed before the request was sent")
        timeout = options.retry.timeout_ms / 1000
        if remaining is not None:
            timeout = min(timeout, remaining)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("request to %s:\n%s", url, self.redactor.bytes(payload))
        with self._slot(options):
            started = time.monotonic()
            try:
                http = self._exchange(url, payload, headers, timeout)
            except TransportError as exc:  # telemetry: a gateway call without an answer
                telemetry.gateway_call(PROTOCOL, "timeout" if exc.timeout else "unreachable",
                                       time.monotonic() - started)
                raise
            telemetry.gateway_call(  # telemetry: a gateway call and its HTTP status
                PROTOCOL, "ok" if http.status_code < 400 else f"http_{http.status_code}",
                time.monotonic() - started)
            if http.status_code == 429:
                telemetry.rate_limited(PROTOCOL)  # telemetry: rate limited
        if log.isEnabledFor(logging.DEBUG):
            log.debug("response HTTP %d:\n%s", http.status_code, self.redactor.bytes(http.content))
        if http.status_code >= 400:
            _raise_http(http)
        return read(http.content, http_status=http.status_code)

    def _slot(self, options: CallOptions) -> _Slot:
        """One of the company's request slots, waited for no longer than the call allows."""
        return _Slot(self._coordination, self._company, self._concurrency, options)

    def _exchange(self, url: str, payload: bytes, headers: Mapping[str, str],
                  timeout: float) -> requests.Response:
        """POST and read the whole answer; a failure says whether the request got out."""
        import requests

        try:
            return self._http().post(url, data=payload, headers=headers, timeout=timeout)
        except requests.Timeout as exc:
            raise TransportError(f"no answer from {url} within {timeout:g} s", transient=True,
                                 timeout=True, sent=not _before_sending(exc)) from None
        except requests.RequestException as exc:
            raise TransportError(f"could not reach {url}: {_cause(exc)}", transient=True,
                                 sent=not _before_sending(exc)) from None


def _raise_first_failure(response: Response) -> None:
    failed = first_failure(response.results)
    if failed is not None:
        raise failed.error(response.raw.decode("utf-8", errors="replace"))


def _raise_http(http: requests.Response) -> None:
    status = http.status_code
    head = http.content[:300].decode("utf-8", errors="replace")
    kind = "an HTML page" if "<html" in head.lower() else f"{len(http.content)} bytes"
    raise TransportError(
        f"the gateway answered HTTP {status} with {kind}", status=status,
        transient=status >= 500 or status == 429,
        retry_after=retry_after_seconds(http.headers.get("Retry-After")),
        raw_response=http.content[:2000].decode("utf-8", errors="replace"),
        sent=status >= 500 and status not in _REFUSED_BEFORE_WORK)


def _before_sending(exc: requests.RequestException) -> bool:
    """True when the connection failed before any byte of the request could leave."""
    import requests
    import urllib3.exceptions

    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # MaxRetryError wraps the urllib3 error
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _cause(exc: requests.RequestException) -> str:
    """Why a request failed, in words: the host unknown, the connection refused, TLS, a
    connection closed mid-answer; with the underlying error's own text."""
    import requests
    import urllib3.exceptions

    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    detail = str(getattr(reason, "__context__", None) or reason or exc)
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return f"the host name could not be resolved ({detail})"
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        refused = isinstance(reason.__context__, ConnectionRefusedError)
        return ("the connection was refused" if refused else
                f"the connection could not be made ({detail})")
    if isinstance(exc, requests.exceptions.SSLError):
        return f"the TLS handshake failed ({detail})"
    if isinstance(exc, requests.ConnectionError):
        return f"the connection was closed before the answer was complete ({detail})"
    return f"{type(exc).__name__} ({detail})"


def _transient(policy: RetryPolicy) -> Callable[[BaseException], bool]:
    def transient(exc: BaseException) -> bool:
        if isinstance(exc, TransportError):
            return exc.transient or policy.retry_on_all_errors
        return isinstance(exc, GatewayError) and is_retryable(exc.errors)
    return transient


def _busy(response: Response) -> bool:
    """True when every function failed for a transient reason (busy, off-line)."""
    results = response.results
    return bool(results) and all(not r.ok and is_retryable(r.errors) for r in results)


def _session_expiry(response: Response) -> dt.datetime | None:
    text = response.session_timeout().strip()
    return _instant(text) if text else None


@functools.lru_cache(maxsize=64)
def _instant(text: str) -> dt.datetime | None:
    """A sessiontimeout as a UTC instant (read once: every answer of a session repeats it)."""
    try:
        expiry = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return expiry if expiry.tzinfo else expiry.replace(tzinfo=dt.timezone.utc)


def session_key(connection: Mapping[str, Any], secret: bytes) -> str:
    """What names a connection's session in a (possibly shared) cache: who signs in where with
    which credentials, and which session endpoints it trusts, as a keyed digest (HMAC) so that
    a wrong password never reuses a good session and the key reveals nothing of the passwords
    to someone who can read the cache."""
    identity = [connection.get(name) or "" for name in
                ("endpointUrl", "senderId", "senderPassword", "companyId", "entityId",
                 "userId", "userPassword")]
    identity.append(sorted(connection.get("allowedEndpointHosts") or []))
    digest = hmac.new(secret, json.dumps(identity).encode(), hashlib.sha256).hexdigest()
    return "intacct:" + digest[:40]


class _Slot:
    """A company's request slot for one request: entering waits for it (reporting the wait),
    and a wait cut short by the call's deadline says so."""

    __slots__ = ("company", "coordination", "hold", "limit", "options")

    def __init__(self, coordination: Coordination, company: str, limit: int,
                 options: CallOptions) -> None:
        self.coordination, self.company, self.limit = coordination, company, limit
        self.options = options
        self.hold: contextlib.AbstractContextManager[None] | None = None

    def __enter__(self) -> None:
        wait = _bounded_wait(self.options)
        started = time.monotonic()
        hold = self.coordination.coordinator.slot(self.company, self.limit, wait=wait,
                                                  lease=self.coordination.slot_lease)
        try:
            hold.__enter__()
        except SlotTimeout:
            telemetry.slot_wait(PROTOCOL, time.monotonic() - started)  # telemetry: slot wait
            if wait < self.options.slot_wait_s:
                raise DeadlineExceeded(f"the call's deadline passed while waiting for one of "
                                       f"company {self.company}'s request slots; nothing was "
                                       "sent") from None
            raise
        self.hold = hold
        telemetry.slot_wait(PROTOCOL, time.monotonic() - started)  # telemetry: slot wait

    def __exit__(self, *exc_info: Any) -> None:
        if self.hold is not None:
            self.hold.__exit__(*exc_info)


def _bounded_wait(options: CallOptions) -> float:
    """How long a call may wait for a slot or another's sign-in: the slot wait, or less when
    the call's deadline is nearer."""
    remaining = options.remaining()
    return options.slot_wait_s if remaining is None else max(0.0, min(options.slot_wait_s,
                                                                      remaining))

