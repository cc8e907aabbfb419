"""Deciding whether a session endpoint returned by getAPISession may receive credentials.

Trust is decided on the URL exactly as the HTTP library will read it (requests prepares it, and
urllib3 parses the prepared form), and that prepared URL is the one used afterwards, so no two
parsers can disagree about the host. Anything a real endpoint never has is refused outright:
backslashes, userinfo, percent-escapes, non-ASCII or control characters, a trailing dot, a port
other than 443, and any scheme but https.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from connector.intacct.errors import EndpointRefused

_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_FORBIDDEN = set("\\@%")


def trusted_endpoint(url: str, allowed_hosts: Collection[str] = ()) -> str:
    """The URL to send to, as requests will send it; EndpointRefused unless it is https on
    intacct.com (or a subdomain, port 443) or on a host the connection allows."""
    if not url.isascii() or not url.isprintable() or " " in url or _FORBIDDEN & set(url):
        raise _refused(url, "it contains characters an Intacct endpoint never has")
    import requests  # imported on first use: rendering a request never needs it
    from urllib3.util import parse_url

    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(url, None)
    except requests.RequestException:
        raise _refused(url, "it is not a URL") from None
    parts = parse_url(prepared.url)
    host = (parts.host or "").lower()
    if parts.auth or not _HOST.match(host):
        raise _refused(url, "its host is not a plain DNS name")
    if host in {h.lower() for h in allowed_hosts}:
        return prepared.url
    if parts.scheme != "https" or parts.port not in (None, 443):
        raise _refused(url, "it is not https on the standard port")
    if host != "intacct.com" and not host.endswith(".intacct.com"):
        raise _refused(url, "its host is not intacct.com or one of its subdomains")
    return prepared.url


def _refused(url: str, why: str) -> EndpointRefused:
    shown = url if len(url) <= 200 else url[:200] + "..."
    return EndpointRefused(
        f"getAPISession returned the endpoint {shown!r}, which is refused because {why}; no "
        "credentials were sent to it. Add its host to allowedEndpointHosts only if you trust it")
