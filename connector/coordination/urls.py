"""Server URLs as they may be shown: in messages and logs, never with their password."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def shown(url: str) -> str:
    """The URL with any password replaced by ***; unparsable text is not echoed at all."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "<unparsable URL>"
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def scrub(text: str, url: str) -> str:
    """A driver's message about `url`, with the URL's password (if any) masked."""
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    text = text.replace(url, shown(url))
    return text.replace(password, "***") if password else text
