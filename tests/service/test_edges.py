"""What surrounds the routes: body size limit, CORS, security headers, the public page."""

from __future__ import annotations

import select
import socket
import time
from urllib.parse import urlsplit

import pytest
from conftest import TOKEN, running_service

LIMIT = 100_000


@pytest.fixture(scope="module")
def small(connector, connections, seen):
    """A service whose body limit is LIMIT bytes."""
    with running_service(connector, connections, seen, max_body_bytes=LIMIT) as client:
        yield client


def exchange(url: str, head: str, chunks=(), chunk_pause: float = 0.0) -> tuple[int, bytes, int]:
    """Send a request head and then body chunks over a raw socket, stopping as soon as the
    server answers; returns (status, response bytes, body bytes sent)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode())
        sent = 0
        for chunk in chunks:
            if select.select([sock], [], [], chunk_pause)[0]:
                break
            try:
                sock.sendall(chunk)
            except OSError:  # the server answered and closed while we were still sending
                break
            sent += len(chunk)
        answer = b""
        while True:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
    status = int(answer.split(b" ", 2)[1]) if answer else 0
    return status, answer, sent


def head(path: str, headers: str) -> str:
    return (f"POST {path} HTTP/1.1\nHost: 127.0.0.1\nAuthorization: Bearer {TOKEN}\n"
            f"Content-Type: application/json\n{headers}\n")


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(small, sandbox):
    before = sandbox.stats.snapshot()["requests"]
    status, answer, _ = exchange(small.url, head("/actions/createVendor/invoke",
                                                 "Content-Length: 10485760\n"))
    assert status == 413
    assert b'"PayloadTooLarge"' in answer
    assert sandbox.stats.snapshot()["requests"] == before


def test_a_chunked_body_is_refused_once_it_passes_the_limit(small, sandbox):
    before = sandbox.stats.snapshot()["requests"]
    chunk = b'"' + b"x" * 16_000 + b'"'
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    opening = b'{"connection": "sandbox", "inputs": {"vendorName": '
    chunks = [f"{len(opening):x}\r\n".encode() + opening + b"\r\n"] + [framed] * 640
    status, answer, sent = exchange(small.url, head("/actions/createVendor/invoke",
                                                    "Transfer-Encoding: chunked\n"),
                                    chunks, chunk_pause=0.002)
    assert status == 413 and b'"PayloadTooLarge"' in answer
    assert sent < 20 * LIMIT  # answered soon after the limit, long before the 10 MB
    assert sandbox.stats.snapshot()["requests"] == before


def test_a_body_under_the_limit_is_accepted(small):
    response = small.post("/actions/createVendor/render",
                          {"inputs": {"vendorName": "Big", "comments": "c" * (LIMIT - 200)}})
    assert response.status_code == 200


def test_the_default_limit_is_one_mebibyte(api):
    status, _, _ = exchange(api.url, head("/actions/getVendor/render",
                                          f"Content-Length: {(1 << 20) + 1}\n"))
    assert status == 413


PREFLIGHT = {"Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization,content-type"}


def test_cors_is_closed_by_default(api):
    origin = {"Origin": "https://builder.example"}
    preflight = api.request("OPTIONS", "/actions/getVendor/invoke", token=None,
                            headers={**origin, **PREFLIGHT})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert preflight.status_code == 401
    answer = api.get("/catalog", headers=origin)
    assert answer.status_code == 200 and "Access-Control-Allow-Origin" not in answer.headers


def test_cors_opens_to_the_listed_origins_only(connector, connections, seen):
    allowed = "https://builder.example"
    with running_service(connector, connections, seen, cors_origins=[allowed]) as client:
        preflight = client.request("OPTIONS", "/actions/getVendor/invoke", token=None,
                                   headers={"Origin": allowed, **PREFLIGHT})
        assert preflight.status_code == 200
        assert preflight.headers["Access-Control-Allow-Origin"] == allowed
        allowed_headers = preflight.headers["Access-Control-Allow-Headers"].lower()
        assert "authorization" in allowed_headers and "content-type" in allowed_headers
        assert "POST" in preflight.headers["Access-Control-Allow-Methods"]

        other = client.request("OPTIONS", "/actions/getVendor/invoke", token=None,
                               headers={"Origin": "https://evil.example", **PREFLIGHT})
        assert "Access-Control-Allow-Origin" not in other.headers

        call = client.post("/actions/getVendor/invoke",
                           {"connection": "sandbox", "inputs": {"recordNo": "4001"}},
                           headers={"Origin": allowed})
        assert call.status_code == 200
        assert call.headers["Access-Control-Allow-Origin"] == allowed
        refused = client.get("/catalog", token=None, headers={"Origin": allowed})
        assert refused.status_code == 401  # and the page can read why:
        assert refused.headers["Access-Control-Allow-Origin"] == allowed


def test_the_page_is_public_with_security_headers(api):
    page = api.get("/", token=None)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_static_files_are_public_and_missing_ones_are_404_json(api):
    missing = api.get("/static/no-such-file.js", token=None)
    assert missing.status_code == 404 and missing.json()["code"] == "NotFound"


def test_the_event_loop_answers_while_gateway_calls_wait(api, sandbox):
    """Slow gateway calls run in threads: /health still answers at once."""
    import threading

    sandbox.faults.latency_ms = 400
    try:
        calls = [threading.Thread(target=api.post, args=(
            "/actions/getVendor/invoke", {"connection": "sandbox",
                                          "inputs": {"recordNo": "4001"}}))
            for _ in range(4)]
        for call in calls:
            call.start()
        time.sleep(0.1)
        started = time.monotonic()
        assert api.get("/health", token=None).status_code == 200
        waited = time.monotonic() - started
        for call in calls:
            call.join()
    finally:
        sandbox.faults.latency_ms = 0
    assert waited < 0.4
