"""Sandbox configuration: credentials and companies, limits, clock, TLS and fault settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo

from .clock import Clock, zone
from .commits import LateCommits
from .faults import Faults

DEFAULT_SENDER_ID = "sandbox_sender"
DEFAULT_SENDER_PASSWORD = "sandbox-sender-pass"
DEFAULT_COMPANY_ID = "SANDBOX"
DEFAULT_USER_ID = "sandbox_user"
DEFAULT_USER_PASSWORD = "sandbox-user-pass"

#: Connection inputs for our client, without the endpoint keys (those depend on the server).
DEFAULT_CONNECTION: dict[str, str] = {
    "senderId": DEFAULT_SENDER_ID,
    "senderPassword": DEFAULT_SENDER_PASSWORD,
    "companyId": DEFAULT_COMPANY_ID,
    "userId": DEFAULT_USER_ID,
    "userPassword": DEFAULT_USER_PASSWORD,
}

GATEWAY_PATH = "/ia/xml/xmlgw.phtml"


@dataclass(frozen=True)
class CompanyConfig:
    """One company the sandbox serves: its sign-in, entities, concurrency limit, time zone and
    whether its user may read the audit trail (AUDITHISTORY). Each company has its own records,
    sessions and slots."""

    company_id: str
    user_id: str = DEFAULT_USER_ID
    user_password: str = DEFAULT_USER_PASSWORD
    entities: tuple[str, ...] = ("E100", "E200")
    max_concurrent: int | None = None  # None: the sandbox's max_concurrent
    timezone: str = "UTC"
    audit_trail: bool = True

    @property
    def tz(self) -> tzinfo:
        return zone(self.timezone)


@dataclass
class SandboxConfig:
    """Everything a sandbox run can vary. Defaults mirror the real gateway's limits.

    The first company is described by the flat fields (company_id, user_id, ...) so that the
    default stays one company with today's credentials; `companies` adds more.
    """

    sender_id: str = DEFAULT_SENDER_ID
    sender_password: str = DEFAULT_SENDER_PASSWORD
    company_id: str = DEFAULT_COMPANY_ID
    user_id: str = DEFAULT_USER_ID
    user_password: str = DEFAULT_USER_PASSWORD
    # A valid sender that no company has authorized (FAQ: Invalid Web Services Authorization).
    other_sender_id: str = "other_sender"
    other_sender_password: str = "other-sender-pass"
    entities: tuple[str, ...] = ("E100", "E200")
    timezone: str = "UTC"
    audit_trail: bool = True  # False: AUDITHISTORY is refused, as to a user without the right
    companies: tuple[CompanyConfig, ...] = ()
    session_timeout_seconds: float = 1800
    max_concurrent: int = 2
    hold_seconds: float = 30.0
    rate_limit_per_second: float | None = None
    # getAPISession's endpoint; "{port}" is replaced by the bound port. None: own URL.
    public_url: str | None = None
    max_request_bytes: int = 10 * 1024 * 1024
    result_ttl_seconds: float = 900.0  # how long a readByQuery resultId stays usable
    certfile: str | None = None  # serve HTTPS when both are given
    keyfile: str | None = None
    faults: Faults = field(default_factory=Faults)
    clock: Clock = field(default_factory=Clock)
    late_commits: LateCommits = field(default_factory=LateCommits)

    def __post_init__(self) -> None:
        ids = [c.company_id.upper() for c in self.all_companies]
        if len(set(ids)) != len(ids):
            raise ValueError(f"company ids must be unique, got {', '.join(ids)}")
        for company in self.all_companies:
            zone(company.timezone)  # a bad zone fails here, not on the first write

    @property
    def all_companies(self) -> tuple[CompanyConfig, ...]:
        first = CompanyConfig(self.company_id, self.user_id, self.user_password, self.entities,
                              None, self.timezone, self.audit_trail)
        return (first, *self.companies)

    def company(self, company_id: str) -> CompanyConfig | None:
        """The company with this id (case-insensitive), or None."""
        wanted = company_id.strip().upper()
        return next((c for c in self.all_companies if c.company_id.upper() == wanted), None)

    def concurrency_of(self, company: CompanyConfig) -> int:
        return company.max_concurrent if company.max_concurrent is not None else \
            self.max_concurrent

    def sender_password_for(self, senderid: str) -> str | None:
        """Password of a known sender, None for an unknown one."""
        return {
            self.sender_id: self.sender_password,
            self.other_sender_id: self.other_sender_password,
        }.get(senderid)

    def sender_authorized(self, senderid: str) -> bool:
        """Every company authorizes the sandbox's sender, none the other one."""
        return senderid == self.sender_id
