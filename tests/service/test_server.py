"""The listening socket `serving` hands to uvicorn."""

from __future__ import annotations

import asyncio
import socket

import pytest

from connector.service.server import listening_socket


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_accepted_connections_have_nagle_off(host):
    """asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections accepted from a
    socket whose protocol is IPPROTO_TCP; with it on, each keep-alive answer waits about 40 ms
    for the client's delayed ACK."""
    if host == "::1" and not socket.has_ipv6:
        pytest.skip("no IPv6")
    listener = listening_socket(host, 0)

    async def accepted_nodelay() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            conn = writer.get_extra_info("socket")
            seen.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accept, sock=listener)  # as uvicorn does
        async with server:
            _, writer = await asyncio.open_connection(host, listener.getsockname()[1])
            try:
                return await asyncio.wait_for(seen, timeout=10)
            finally:
                writer.close()

    try:
        assert asyncio.run(accepted_nodelay()) != 0
    finally:
        listener.close()


def test_a_port_in_use_is_an_oserror_for_the_caller():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            listening_socket("127.0.0.1", taken.getsockname()[1]).close()
