"""Sandbox configuration: credentials, limits, TLS and fault settings."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class SandboxConfig:
    """Everything a sandbox run can vary. Defaults mirror the real gateway's limits."""

    sender_id: str = DEFAULT_SENDER_ID
    sender_password: str = DEFAULT_SENDER_PASSWORD
    company_id: str = DEFAULT_COMPANY_ID
    user_id: str = DEFAULT_USER_ID
    user_password: str = DEFAULT_USER_PASSWORD
    # A valid sender that the company has not authorized (FAQ: Invalid Web Services
    # Authorization).
    other_sender_id: str = "other_sender"
    other_sender_password: str = "other-sender-pass"
    entities: tuple[str, ...] = ("E100", "E200")
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

    def sender_password_for(self, senderid: str) -> str | None:
        """Password of a known sender, None for an unknown one."""
        return {
            self.sender_id: self.sender_password,
            self.other_sender_id: self.other_sender_password,
        }.get(senderid)

    def sender_authorized(self, senderid: str, companyid: str) -> bool:
        return senderid == self.sender_id and companyid.upper() == self.company_id.upper()
