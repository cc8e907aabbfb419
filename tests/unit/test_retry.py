"""The retry driver: Retry-After in both of its forms, deadlines, and a log line per wait."""

import datetime as dt
import email.utils
import logging
import time

import pytest

from connector.calls import CallOptions, RetryPolicy
from connector.errors import DeadlineExceeded, TransportError
from connector.retry import call_with_retries, retry_after_seconds

NOW = dt.datetime(2026, 11, 30, 12, 0, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("header, seconds", [
    ("7", 7.0),
    (" 0 ", 0.0),
    ("Mon, 30 Nov 2026 12:00:05 GMT", 5.0),
    ("Mon, 30 Nov 2026 11:59:00 GMT", 0.0),  # already past: retry now
    ("soon", None),
    ("", None),
    (None, None),
])
def test_retry_after_reads_seconds_and_http_dates(header, seconds):
    assert retry_after_seconds(header, now=NOW) == seconds


def failing(*errors):
    calls = []

    def attempt():
        calls.append(time.monotonic())
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return "done"

    return attempt, calls


def test_a_retry_after_date_from_the_gateway_is_waited_for_and_logged(caplog):
    later = email_date(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=1.2))
    error = TransportError("HTTP 429", status=429, transient=True,
                           retry_after=retry_after_seconds(later))
    attempt, calls = failing(error)
    options = CallOptions(retry=RetryPolicy(max_retries=2, delay_ms=1))
    with caplog.at_level(logging.WARNING, logger="connector.retry"):
        assert call_with_retries(attempt, options, transient=lambda e: True) == "done"
    assert calls[1] - calls[0] >= 0.2
    assert "retrying in" in caplog.text and "HTTP 429" in caplog.text
    assert "(attempt 2 of 3)" in caplog.text


def test_secrets_in_a_logged_failure_are_redacted(caplog):
    attempt, _ = failing(TransportError("refused for password Hunter2", transient=True))
    options = CallOptions(retry=RetryPolicy(max_retries=1, delay_ms=1))
    with caplog.at_level(logging.WARNING, logger="connector.retry"):
        call_with_retries(attempt, options, transient=lambda e: True,
                          describe=lambda text: text.replace("Hunter2", "***"))
    assert "Hunter2" not in caplog.text and "***" in caplog.text


def test_the_deadline_stops_retries_that_have_not_reached_the_gateway():
    error = TransportError("HTTP 503", status=503, transient=True)
    attempt, calls = failing(*[error] * 100)
    options = CallOptions(retry=RetryPolicy(max_retries=100, delay_ms=100,
                                            exponential_backoff=False),
                          deadline=time.monotonic() + 0.5)
    with pytest.raises(DeadlineExceeded, match="deadline passed"):
        call_with_retries(attempt, options, transient=lambda e: True)
    assert 3 <= len(calls) <= 6


def test_a_sent_request_keeps_its_own_error_when_the_deadline_cuts_it_short():
    error = TransportError("no answer", transient=True, sent=True)
    attempt, _ = failing(*[error] * 100)
    options = CallOptions(retry=RetryPolicy(max_retries=100, delay_ms=100,
                                            exponential_backoff=False),
                          deadline=time.monotonic() + 0.3)
    with pytest.raises(TransportError) as caught:
        call_with_retries(attempt, options, transient=lambda e: True)
    assert caught.value is error


def email_date(when: dt.datetime) -> str:
    return email.utils.format_datetime(when.replace(microsecond=0) + dt.timedelta(seconds=1),
                                       usegmt=True)


def test_a_call_that_succeeds_at_once_builds_no_retry_machinery(monkeypatch):
    def refuse(*_, **__):
        raise AssertionError("tenacity's Retrying was built for a call that needed no retry")

    monkeypatch.setattr("connector.retry.tenacity.Retrying", refuse)
    attempt, calls = failing()
    options = CallOptions(retry=RetryPolicy(max_retries=3, delay_ms=1))
    assert call_with_retries(attempt, options, transient=lambda e: True) == "done"
    assert len(calls) == 1


@pytest.fixture()
def sleeps(monkeypatch):
    """The waits the retry driver asks for, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr("connector.retry.time.sleep", waited.append)
    return waited


def test_a_transient_failure_is_retried_with_the_policys_waits(sleeps, caplog):
    errors = [TransportError(f"HTTP 502 number {n}", status=502, transient=True) for n in (1, 2)]
    attempt, calls = failing(*errors)
    options = CallOptions(retry=RetryPolicy(max_retries=3, delay_ms=250,
                                            exponential_backoff=False))
    with caplog.at_level(logging.WARNING, logger="connector.retry"):
        assert call_with_retries(attempt, options, transient=lambda e: True) == "done"
    assert len(calls) == 3 and sleeps == [0.25, 0.25]
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["retrying in 0.25 s after HTTP 502 number 1 (attempt 2 of 4)",
                     "retrying in 0.25 s after HTTP 502 number 2 (attempt 3 of 4)"]


def test_backoff_grows_from_the_first_failure_on(sleeps, monkeypatch):
    monkeypatch.setattr("tenacity.wait.random.uniform", lambda low, high: high)
    attempt, calls = failing(*[TransportError("HTTP 503", transient=True)] * 4)
    options = CallOptions(retry=RetryPolicy(max_retries=4, delay_ms=100, max_delay_ms=10_000))
    assert call_with_retries(attempt, options, transient=lambda e: True) == "done"
    assert len(calls) == 5 and sleeps == pytest.approx([0.1, 0.2, 0.4, 0.8])


def test_when_retries_run_out_the_last_failure_is_raised(sleeps):
    errors = [TransportError(f"HTTP 502 number {n}", transient=True) for n in (1, 2, 3)]
    attempt, calls = failing(*errors)
    options = CallOptions(retry=RetryPolicy(max_retries=2, delay_ms=1))
    with pytest.raises(TransportError) as caught:
        call_with_retries(attempt, options, transient=lambda e: True)
    assert caught.value is errors[2] and len(calls) == 3 and len(sleeps) == 2


def test_a_failure_that_is_not_transient_is_raised_after_one_attempt(sleeps):
    error = TransportError("HTTP 400", status=400)
    attempt, calls = failing(error)
    options = CallOptions(retry=RetryPolicy(max_retries=5, delay_ms=1))
    with pytest.raises(TransportError) as caught:
        call_with_retries(attempt, options, transient=lambda e: e.transient)
    assert caught.value is error and len(calls) == 1 and sleeps == []


def test_a_busy_answer_is_retried_and_the_last_one_returned_when_retries_run_out(sleeps, caplog):
    answers = iter(["busy 1", "busy 2", "busy 3"])
    options = CallOptions(retry=RetryPolicy(max_retries=2, delay_ms=10,
                                            exponential_backoff=False))
    with caplog.at_level(logging.WARNING, logger="connector.retry"):
        result = call_with_retries(lambda: next(answers), options, transient=lambda e: True,
                                   busy=lambda answer: answer.startswith("busy"))
    assert result == "busy 3" and sleeps == [0.01, 0.01]
    assert "after the gateway is busy (attempt 2 of 3)" in caplog.text


def test_a_busy_first_answer_then_a_good_one_returns_the_good_one(sleeps):
    answers = iter(["busy", "ok"])
    options = CallOptions(retry=RetryPolicy(max_retries=2, delay_ms=10))
    assert call_with_retries(lambda: next(answers), options, transient=lambda e: True,
                             busy=lambda answer: answer == "busy") == "ok"
    assert len(sleeps) == 1
