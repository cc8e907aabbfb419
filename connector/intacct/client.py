"""The Intacct gateway client: one per connection, shared by every invocation and thread.

It signs in once with getAPISession (sent alone, with login credentials), checks the endpoint it
is given, reuses the session until shortly before its timeout, and signs in again once when the
gateway says the session is gone. Each function keeps its controlid across retries so that, with
uniqueid true, a retried mutation is never executed twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from lxml import etree

from connector.errors import (
    AuthenticationError,
    ConnectionConfigError,
    EndpointRefused,
    GatewayError,
    TransportError,
)
from connector.intacct.envelope import Login, SessionAuth, build_request
from connector.intacct.errors import is_already_executed, is_retryable
from connector.intacct.response import parse_response, raise_for_failures
from connector.protocol import CallOptions, Response, Result, RetryPolicy
from connector.redact import Redactor

log = logging.getLogger("connector.intacct")

DEFAULT_ENDPOINT = "https://api.intacct.com/ia/xml/xmlgw.phtml"
SENSITIVE_TAGS = (
    "password", "sessionid", "TAXID", "SSN", "SOCIALSECURITYNUMBER", "ACHACCOUNTNUMBER",
    "ACHBANKROUTINGNUMBER", "ROUTINGNUMBER", "ROUTINGNO", "BANKACCOUNTNO", "BANKACCOUNTNUMBER",
    "ACCOUNTNUMBER", "CARDNUM", "CARDNUMBER", "CREDITCARDNUMBER", "CVV", "SECURITYCODE",
)
_RENEW_MARGIN = dt.timedelta(seconds=60)
_limiters: dict[str, threading.BoundedSemaphore] = {}
_limiters_lock = threading.Lock()


@dataclass
class _Session:
    id: str
    endpoint: str
    expires: dt.datetime | None


def company_limiter(company_id: str, limit: int) -> threading.BoundedSemaphore:
    """The process-wide limiter for one company: the gateway counts requests per company."""
    key = company_id.split("|")[0].lower()
    with _limiters_lock:
        if key not in _limiters:
            _limiters[key] = threading.BoundedSemaphore(limit)
        return _limiters[key]


class IntacctGateway:
    """Sends functions to one Intacct company and returns parsed responses."""

    def __init__(self, connection: Mapping[str, Any], settings: Mapping[str, Any]) -> None:
        missing = [k for k in ("senderId", "senderPassword", "companyId", "userId",
                               "userPassword") if not connection.get(k)]
        if missing:
            raise ConnectionConfigError(f"the connection is missing {', '.join(missing)}")
        self._connection = dict(connection)
        self._login = Login(connection["userId"], connection["companyId"],
                            connection["userPassword"], connection.get("entityId") or None)
        self._endpoint = connection.get("endpointUrl") or DEFAULT_ENDPOINT
        self._allowed_hosts = {h.lower() for h in connection.get("allowedEndpointHosts", [])}
        self._http = requests.Session()
        self._session: _Session | None = None
        self._session_lock = threading.Lock()
        self._limiter = company_limiter(connection["companyId"], settings.get("concurrency", 2))
        self.redactor = Redactor(
            [connection["senderPassword"], connection["userPassword"]], SENSITIVE_TAGS)
        self.requests_sent = 0

    # -- the Gateway protocol -------------------------------------------------------------

    def execute(self, functions: list[etree._Element], options: CallOptions, *,
                check: bool = True, controlids: list[str] | None = None) -> Response:
        """Send functions in one request; with check, raise the first failed function's error.

        `controlids` (one per function) lets a caller that may re-send the same work later,
        such as a resumed bulk run, keep them stable so that uniqueid deduplicates it.
        """
        ids = controlids or [str(uuid.uuid4()) for _ in functions]
        numbered = list(zip(ids, functions, strict=True))
        response = self._with_session(numbered, options)
        if check:
            raise_for_failures(response)
        return response

    def paginate(self, function: etree._Element, options: CallOptions) -> Iterator[Result]:
        """Yield the first page, then readMore pages until numremaining is 0."""
        result = self.execute([function], options).results[0]
        yield result
        while int(result.attribute("numremaining") or 0) > 0 and result.attribute("resultId"):
            more = etree.Element("readMore")
            etree.SubElement(more, "resultId").text = result.attribute("resultId")
            result = self.execute([more], options).results[0]
            yield result

    def list_records(self, object_name: str, fields: list[str], query: str,
                     options: CallOptions, page_size: int) -> Iterator[etree._Element]:
        query_body = etree.Element("readByQuery")
        for tag, text in (("object", object_name), ("fields", ",".join(fields)),
                          ("query", query), ("pagesize", str(page_size))):
            etree.SubElement(query_body, tag).text = text
        for result in self.paginate(query_body, options):
            yield from result.records

    def preview(self, functions: list[etree._Element], options: CallOptions) -> bytes:
        body = build_request(
            sender_id=self._connection["senderId"],
            sender_password=self._connection["senderPassword"],
            controlid="preview", auth=SessionAuth("session-id-from-getAPISession"),
            functions=[(f"function-{i + 1}", f) for i, f in enumerate(functions)],
            transaction=options.transaction)
        return self.redactor.bytes(body).encode("utf-8")

    def close(self) -> None:
        self._http.close()

    # -- sessions -------------------------------------------------------------------------

    def _with_session(self, numbered: list[tuple[str, etree._Element]],
                      options: CallOptions) -> Response:
        session = self._current_session(options)
        try:
            return self._send(session.endpoint, SessionAuth(session.id), numbered, options)
        except AuthenticationError:
            # Company credentials were accepted when the session was made, so a refusal now
            # means the session expired or was revoked: sign in once more and repeat.
            log.info("session refused by the gateway; signing in again")
            self._forget_session(session)
            session = self._current_session(options)
            return self._send(session.endpoint, SessionAuth(session.id), numbered, options)

    def _current_session(self, options: CallOptions) -> _Session:
        with self._session_lock:
            now = dt.datetime.now(dt.timezone.utc)
            session = self._session
            if session is None or (session.expires and now >= session.expires - _RENEW_MARGIN):
                self._session = session = self._open_session(options)
            return session

    def _forget_session(self, session: _Session) -> None:
        with self._session_lock:
            if self._session is session:
                self._session = None

    def _open_session(self, options: CallOptions) -> _Session:
        body = etree.Element("getAPISession")
        if self._login.entity_id:
            etree.SubElement(body, "locationid").text = self._login.entity_id
        response = self._send(self._endpoint, self._login, [(str(uuid.uuid4()), body)], options,
                              track_session=False)
        raise_for_failures(response)
        api = response.results[0].data.find("api") if response.results else None
        session_id = api.findtext("sessionid") if api is not None else None
        if not session_id:
            raise TransportError("getAPISession returned no session id")
        endpoint = (api.findtext("endpoint") or "").strip() or self._endpoint
        self._check_endpoint(endpoint)
        self.redactor.add(session_id)
        return _Session(session_id, endpoint, _session_expiry(response))

    def _check_endpoint(self, endpoint: str) -> None:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        trusted = parts.scheme == "https" and (host == "intacct.com"
                                                or host.endswith(".intacct.com"))
        if not trusted and host not in self._allowed_hosts:
            raise EndpointRefused(
                f"getAPISession returned the endpoint {endpoint!r}, which is not https on "
                f"*.intacct.com; add its host to allowedEndpointHosts only if you trust it")

    # -- transport ------------------------------------------------------------------------

    def _send(self, url: str, auth: Login | SessionAuth,
              numbered: list[tuple[str, etree._Element]], options: CallOptions, *,
              track_session: bool = True) -> Response:
        policy = options.retry
        controlid = str(uuid.uuid4())
        for attempt in range(policy.max_retries + 1):
            payload = build_request(
                sender_id=self._connection["senderId"],
                sender_password=self._connection["senderPassword"], controlid=controlid,
                auth=auth, functions=numbered, transaction=options.transaction)
            try:
                response = self._post(url, payload, options)
                if track_session:
                    self._slide_session(response)
                _accept_already_executed(response)
                retry_after = _busy(response)
                if retry_after is None or attempt >= policy.max_retries:
                    return response
            except (TransportError, GatewayError) as exc:
                if attempt >= policy.max_retries or not _should_retry(exc, policy):
                    raise
                retry_after = getattr(exc, "retry_after", None)
                log.info("retrying after %s (attempt %d)", self.redactor.text(exc.message),
                         attempt + 1)
            time.sleep(_delay(policy, attempt + 1, retry_after))
        return response

    def _post(self, url: str, payload: bytes, options: CallOptions) -> Response:
        headers = {"Content-Type": "application/xml", "Accept": "application/xml",
                   **options.headers}
        timeout = options.retry.timeout_ms / 1000
        if log.isEnabledFor(logging.DEBUG):
            log.debug("request to %s:\n%s", url, self.redactor.bytes(payload))
        try:
            with self._limiter:
                self.requests_sent += 1
                http = self._http.post(url, data=payload, headers=headers, timeout=timeout)
        except requests.Timeout:
            raise TransportError(f"no answer from {url} within {timeout:g} s",
                                 transient=True, timeout=True) from None
        except requests.RequestException as exc:
            raise TransportError(f"could not reach {url}: {type(exc).__name__}",
                                 transient=True) from None
        if log.isEnabledFor(logging.DEBUG):
            log.debug("response HTTP %d:\n%s", http.status_code, self.redactor.bytes(http.content))
        if http.status_code >= 400:
            _raise_http(http)
        return parse_response(http.content, http_status=http.status_code)

    def _slide_session(self, response: Response) -> None:
        expiry = _session_expiry(response)
        session = self._session
        if expiry and session is not None:
            session.expires = expiry


def _accept_already_executed(response: Response) -> None:
    """A function refused because its controlid already ran was applied before: a retry after
    a lost response, or a resumed bulk run. Report it as done rather than failed."""
    for result in response.results:
        if result.status == "failure" and is_already_executed(result.errors):
            log.info("function %s was already applied; not run again", result.controlid)
            result.status, result.already_applied = "success", True
            status = result.element.find("status")
            if status is not None:
                status.text = "success"
            errormessage = result.element.find("errormessage")
            if errormessage is not None:
                result.element.remove(errormessage)
            etree.SubElement(result.element, "alreadyapplied").text = "true"


def _raise_http(http: requests.Response) -> None:
    retry_after = http.headers.get("Retry-After")
    transient = http.status_code >= 500 or http.status_code == 429
    head = http.content[:300].decode("utf-8", errors="replace")
    kind = "an HTML page" if "<html" in head.lower() else f"{len(http.content)} bytes"
    raise TransportError(
        f"the gateway answered HTTP {http.status_code} with {kind}", status=http.status_code,
        transient=transient, retry_after=_seconds(retry_after),
        raw_response=http.content[:2000].decode("utf-8", errors="replace"))


def _should_retry(exc: TransportError | GatewayError, policy: RetryPolicy) -> bool:
    if isinstance(exc, TransportError):
        return exc.transient or policy.retry_on_all_errors
    return is_retryable(exc.errors)


def _busy(response: Response) -> float | None:
    """0 (retry now) when every function failed for a transient reason (busy, off-line)."""
    results = response.results
    if results and all(r.status != "success" and is_retryable(r.errors) for r in results):
        return 0.0
    return None


def _delay(policy: RetryPolicy, attempt: int, retry_after: float | None) -> float:
    if retry_after:
        return min(retry_after, policy.max_delay_ms / 1000)
    if not policy.exponential_backoff:
        return policy.delay_ms / 1000
    base = max(policy.delay_ms, 100) * 2 ** (attempt - 1)
    return random.uniform(0, min(base, policy.max_delay_ms)) / 1000  # full jitter


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _session_expiry(response: Response) -> dt.datetime | None:
    text = response.root.findtext("operation/authentication/sessiontimeout")
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
