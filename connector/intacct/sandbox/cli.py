"""``sandbox`` command group: serve the emulator, print a connection file for it."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from urllib.parse import urlsplit

import click

from .clock import Clock
from .commits import LateCommits
from .config import DEFAULT_CONNECTION, CompanyConfig, SandboxConfig
from .faults import Faults
from .server import running_sandbox


def _sequence(text: str | None) -> list[int | str]:
    if not text:
        return []
    return [int(p) if p.strip().isdigit() else p.strip() for p in text.split(",") if p.strip()]


@click.group()
def sandbox() -> None:
    """Local emulator of the Sage Intacct XML gateway."""


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8080, show_default=True, type=int, help="0 picks a free port.")
@click.option("--db", default="./sandbox.sqlite3", show_default=True, help="Path or :memory:.")
@click.option("--seed", default="demo", show_default=True, help="Data set; '' for none.")
@click.option("--public-url", default=None, help="Endpoint returned by getAPISession.")
@click.option("--session-timeout", default=1800.0, show_default=True, help="Seconds idle.")
@click.option("--max-concurrent", default=2, show_default=True, help="Requests per company.")
@click.option("--hold", "hold_seconds", default=30.0, show_default=True, help="Seconds held.")
@click.option("--rate-limit", default=None, type=float, help="Requests/second, then HTTP 429.")
@click.option("--max-request-bytes", default=10 * 1024 * 1024, show_default=True, type=int)
@click.option("--certfile", default=None, help="Serve HTTPS with this certificate (PEM).")
@click.option("--keyfile", default=None, help="Private key for --certfile.")
@click.option("--fail-rate", default=0.0, show_default=True, help="Share answered 5xx first.")
@click.option("--fail-status", default=503, show_default=True, help="Status for --fail-rate.")
@click.option("--fail-sequence", default=None, help="e.g. '503,503,ok,524,drop,html:520'.")
@click.option("--lost-response-rate", default=0.0, show_default=True, help="524 after commit.")
@click.option("--html-error-rate", default=0.0, show_default=True, help="Cloudflare HTML page.")
@click.option("--html-error-status", default=502, show_default=True)
@click.option("--drop-rate", default=0.0, show_default=True, help="Close socket after commit.")
@click.option("--latency-ms", default=0.0, show_default=True,
              help="Answer each request this long after it arrives (its work within).")
@click.option("--expire-sessions-after", default=None, type=int, help="Every N requests.")
@click.option("--fault-seed", default=0, show_default=True, help="Random seed for the rates.")
@click.option("--company", "companies", multiple=True, metavar="ID",
              help="Serve another company (repeatable); same user and password.")
@click.option("--timezone", default="UTC", show_default=True,
              help="Companies' time zone (IANA name) for WHENCREATED/WHENMODIFIED.")
@click.option("--clock", "clock_start", default=None, type=click.DateTime(
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]),
              help="Start the sandbox's clock at this UTC time.")
@click.option("--clock-skew", default=0.0, show_default=True, help="Seconds to move the clock.")
@click.option("--late-commit-seconds", default=0.0, show_default=True,
              help="How late a late write commits after its stamp.")
@click.option("--late-commit-rate", default=0.0, show_default=True,
              help="Share of writing requests that commit late.")
@click.option("--verbose", is_flag=True, help="Log every request.")
def serve(
    host: str,
    port: int,
    db: str,
    seed: str,
    public_url: str | None,
    session_timeout: float,
    max_concurrent: int,
    hold_seconds: float,
    rate_limit: float | None,
    max_request_bytes: int,
    certfile: str | None,
    keyfile: str | None,
    fail_rate: float,
    fail_status: int,
    fail_sequence: str | None,
    lost_response_rate: float,
    html_error_rate: float,
    html_error_status: int,
    drop_rate: float,
    latency_ms: float,
    expire_sessions_after: int | None,
    fault_seed: int,
    companies: tuple[str, ...],
    timezone: str,
    clock_start: datetime | None,
    clock_skew: float,
    late_commit_seconds: float,
    late_commit_rate: float,
    verbose: bool,
) -> None:
    """Serve the gateway at /ia/xml/xmlgw.phtml until Ctrl-C."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO)
    clock = Clock()
    if clock_start is not None:
        clock.set(clock_start)
    clock.skew(clock_skew)
    try:
        extra = tuple(CompanyConfig(company_id, timezone=timezone) for company_id in companies)
        config = SandboxConfig(
            session_timeout_seconds=session_timeout,
            max_concurrent=max_concurrent,
            hold_seconds=hold_seconds,
            rate_limit_per_second=rate_limit,
            public_url=public_url,
            max_request_bytes=max_request_bytes,
            certfile=certfile,
            keyfile=keyfile or certfile,
            faults=Faults(
                fail_rate=fail_rate,
                fail_status=fail_status,
                sequence=_sequence(fail_sequence),
                lost_response_rate=lost_response_rate,
                html_error_rate=html_error_rate,
                html_error_status=html_error_status,
                drop_rate=drop_rate,
                latency_ms=latency_ms,
                expire_sessions_after=expire_sessions_after,
                seed=fault_seed,
            ),
            timezone=timezone,
            companies=extra,
            clock=clock,
            late_commits=LateCommits(seconds=late_commit_seconds, rate=late_commit_rate,
                                     seed=fault_seed),
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    with running_sandbox(db=db, seed=seed or None, config=config, host=host, port=port) as sb:
        click.echo(f"Sandbox gateway listening on {sb.url}")
        names = ", ".join(c.company_id for c in config.all_companies)
        click.echo(
            f"sender {config.sender_id} / {config.sender_password}, "
            f"compan{'ies' if extra else 'y'} {names}, user {config.user_id} / "
            f"{config.user_password}"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("Stopping.")


@sandbox.command()
@click.option("--url", required=True, help="Gateway URL of a running sandbox.")
def connection(url: str) -> None:
    """Print a JSON connection file for `connector run --connection FILE`."""
    host = urlsplit(url).hostname or ""
    data = {**DEFAULT_CONNECTION, "endpointUrl": url, "allowedEndpointHosts": [host]}
    click.echo(json.dumps(data, indent=2))
