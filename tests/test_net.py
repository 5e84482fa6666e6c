"""Attacks on the data layer's HTTP plumbing: every request is retried on its own.

The loopback servers spoil answers (the first N of every URL, or all): error statuses,
bodies dropped half-way, JSON cut off half-way, answers that never come. The real client
code runs against them; the tests assert on results, messages and on what the servers saw
(requests per URL, connections), never on the clock. Back-off and deadlines are made short
through the settings, so the tests stay quick.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

import wijklib
from wijklib.data import net
from wijklib.errors import (
    NoConnectionError,
    ServiceError,
    ServiceSlowError,
    UnreadableAnswerError,
)


def per_url(server) -> Counter:
    return Counter(server.requests)


@pytest.mark.parametrize("kind", ["status", "drop", "truncate"])
def test_first_answer_of_every_url_spoiled_still_succeeds(services, kind):
    cbs, pdok = services
    cbs.fault_first(1, kind=kind, status=503)
    pdok.fault_first(1, kind=kind, status=503)
    df = wijklib.kerncijfers("Utrecht", niveau="buurt")
    gdf = wijklib.gebieden("Utrecht", niveau="buurt")
    assert len(df) == len(gdf) == 111
    assert set(df["code"]) == set(gdf["code"])
    # each URL was asked exactly twice: once spoiled, once answered; nothing started over
    assert set(per_url(cbs).values()) == {2}
    assert set(per_url(pdok).values()) == {2}


def test_two_failures_per_url_need_three_attempts(services, monkeypatch):
    cbs, _ = services
    monkeypatch.setenv("WIJKLIB_RETRIES", "3")
    cbs.fault_first(2, kind="status", status=502)
    assert len(wijklib.kerncijfers("Utrecht", niveau="wijk", jaar=2024)) == 10
    assert set(per_url(cbs).values()) == {3}


def test_a_failing_page_is_asked_again_not_the_download(shared_dir, pdok_server, tmp_path,
                                                        monkeypatch):
    from conftest import point_wijklib_at
    from loopback import CbsODataServer

    with CbsODataServer(shared_dir / "fixtures" / "cbs-odata", page_size=40) as cbs:
        point_wijklib_at(monkeypatch, cbs.url, pdok_server.url, tmp_path)
        wijklib.kerncijfers("Utrecht", niveau="gemeente", jaar=2024)
        cbs.clear_requests()
        cbs.fail_matching("$skip=80", n=1, status=503)  # the third page of a download
        df = wijklib.kerncijfers("Utrecht", niveau="buurt", jaar=2024)
        counts = per_url(cbs)
    assert len(df) == 111 and df["code"].is_unique
    again = [url for url, n in counts.items() if n > 1]
    assert len(again) == 1 and "$skip=80" in again[0] and counts[again[0]] == 2
    assert "$skip=40" in "".join(counts)  # the pages before it were not asked again


def test_rate_limit_is_retried(services):
    cbs, pdok = services
    cbs.fault_first(1, kind="status", status=429)
    pdok.fault_first(1, kind="status", status=429)
    assert len(wijklib.gebieden("Utrecht", niveau="wijk")) == 10


def test_one_session_reuses_its_connection(services):
    cbs, pdok = services
    wijklib.tables()  # the weekly catalogue request goes through cbsodata (its own session)
    cbs.clear_requests()
    wijklib.kerncijfers("Utrecht", niveau="buurt", jaar=2024)
    wijklib.gebieden("Utrecht", niveau="buurt")
    assert len(cbs.requests) >= 4
    # the session keeps its connection open (it may still be open from an earlier test)
    assert cbs.connections <= 1 and pdok.connections <= 1


def test_hanging_cbs_gives_a_dutch_message_within_the_deadline(services, monkeypatch):
    cbs, _ = services
    monkeypatch.setenv("WIJKLIB_TIMEOUT", "2")
    monkeypatch.setenv("WIJKLIB_RETRIES", "10")
    cbs.fault_first(1000, kind="hang")
    with pytest.raises(ServiceSlowError) as err:
        wijklib.kerncijfers("Utrecht", niveau="buurt")
    message = str(err.value)
    assert "te traag" in message and "CBS" in message
    assert 'python -m wijklib download --gemeente "Utrecht"' in message
    assert "WIJKLIB_TIMEOUT" in message and "2 seconden" in message
    # an attempt waits a third of the deadline: three attempts, then the call gives up,
    # also for every other request of the same call
    assert 2 <= len(cbs.requests) <= 4


def test_hanging_pdok_gives_a_dutch_message(services, monkeypatch):
    cbs, pdok = services
    wijklib.gemeenten()  # the register is cached; only PDOK hangs
    monkeypatch.setenv("WIJKLIB_TIMEOUT", "2")
    monkeypatch.setenv("WIJKLIB_RETRIES", "10")
    pdok.fault_first(1000, kind="hang")
    with pytest.raises(ServiceSlowError) as err:
        wijklib.gebieden("Utrecht", niveau="buurt")
    assert "PDOK" in str(err.value) and "WIJKLIB_TIMEOUT" in str(err.value)
    assert 2 <= len(pdok.requests) <= 4


def test_slow_first_answer_is_waited_for_by_the_next_attempt(services, monkeypatch):
    cbs, _ = services
    monkeypatch.setenv("WIJKLIB_TIMEOUT", "6")
    cbs.fault_next(1, kind="hang")  # only the very first request hangs
    assert len(wijklib.kerncijfers("Utrecht", niveau="wijk", jaar=2024)) == 10


def test_unreadable_answers_are_not_called_no_connection(services):
    cbs, _ = services
    cbs.fault_first(1000, kind="truncate")
    with pytest.raises(UnreadableAnswerError) as err:
        wijklib.kerncijfers("Utrecht", niveau="wijk")
    message = str(err.value)
    assert "onvolledig of beschadigd" in message and "niet aan jouw internetverbinding" in message
    assert "geen verbinding" not in message
    assert isinstance(err.value, ServiceError)


def test_no_connection_is_called_so(services, monkeypatch, closed_port_url):
    monkeypatch.setenv("WIJKLIB_PDOK_URL", closed_port_url)
    wijklib.gemeenten()
    with pytest.raises(NoConnectionError) as err:
        wijklib.gebieden("Utrecht")
    assert "geen verbinding" in str(err.value)
    assert "onvolledig" not in str(err.value)


def test_body_dropped_every_time_is_a_connection_problem(services):
    _, pdok = services
    wijklib.gemeenten()
    pdok.fault_first(1000, kind="drop")
    with pytest.raises(NoConnectionError):
        wijklib.gebieden("Utrecht", niveau="wijk")


def test_server_error_every_time_is_reported_per_request(services, monkeypatch):
    cbs, _ = services
    monkeypatch.setenv("WIJKLIB_RETRIES", "3")
    cbs.fault_first(1000, kind="status", status=500)
    with pytest.raises(ServiceError) as err:
        wijklib.kerncijfers("Utrecht", niveau="wijk", jaar=2024)
    assert "HTTP 500" in str(err.value)
    assert max(per_url(cbs).values()) == 3  # each request tried three times, not more


def test_client_error_is_not_retried(services):
    call = net.Call()
    cbs, _ = services
    with pytest.raises(net.Failed):
        net.get_json(call, f"{cbs.url}/ODataFeed/odata/85984NED/TypedDataSet",
                     {"$format": "json", "$filter": "this is not odata"})
    assert len(cbs.requests) == 1 and call.requests == 1


def test_backoff_grows_and_jitters():
    waits = [net.backoff_wait(attempt, 1.0) for attempt in (1, 2, 3) for _ in range(50)]
    first, second, third = waits[:50], waits[50:100], waits[100:]
    assert all(0.5 <= w <= 1.0 for w in first)
    assert all(1.0 <= w <= 2.0 for w in second)
    assert all(2.0 <= w <= 4.0 for w in third)
    assert len(set(first)) > 1  # jitter: participants do not retry in step
    assert net.backoff_wait(1, 0.01, retry_after=0.5) == 0.5
    assert net.backoff_wait(1, 0.01, retry_after=3600) == net.MAX_RETRY_AFTER


def test_spoiled_answers_leave_the_same_table(services):
    cbs, _ = services
    clean = wijklib.kerncijfers("Utrecht", niveau="wijk", jaar=2024)
    import shutil

    from wijklib.config import settings

    shutil.rmtree(settings().cache_dir)
    cbs.fault_first(1, kind="drop")
    spoiled = wijklib.kerncijfers("Utrecht", niveau="wijk", jaar=2024)
    pd.testing.assert_frame_equal(clean, spoiled)


def test_default_deadline_is_well_within_a_minute(monkeypatch):
    for name in ("WIJKLIB_TIMEOUT", "WIJKLIB_RETRIES", "WIJKLIB_BACKOFF"):
        monkeypatch.delenv(name, raising=False)
    call = net.Call()
    assert call.budget <= 30
    assert call.attempt_timeout() <= call.budget / 3 + 1e-9  # room for another attempt


def test_a_single_request_client_is_retried(services):
    import requests

    cbs, _ = services
    url = f"{cbs.url}/ODataCatalog/Tables?$format=json"
    cbs.fault_first(1, kind="truncate")
    call = net.Call()
    tables = net.call_with_retries(lambda timeout: requests.get(url, timeout=timeout).json(),
                                   "catalogue", call)
    assert tables["value"] and len(cbs.requests) == 2 and call.requests == 2
    cbs.fault_first(1, kind="status", status=503)

    def without_timeout() -> list:  # a client function without a timeout parameter
        response = requests.get(url, timeout=5)
        response.raise_for_status()
        return response.json()["value"]

    cbs.clear_requests()
    assert net.call_with_retries(without_timeout, "x") and len(cbs.requests) == 2
    cbs.fault_first(1000, kind="truncate")
    with pytest.raises(net.Unreadable):
        net.call_with_retries(lambda timeout: requests.get(url, timeout=timeout).json(), "x")


def test_every_passing_5xx_is_retried_but_not_501(services):
    cbs, pdok = services
    pdok.fault_first(1, kind="status", status=520)  # a proxy in front of the service
    wijklib.gemeenten()
    assert len(wijklib.gebieden("Utrecht", niveau="wijk")) == 10
    pdok.clear_requests()
    pdok.fault_first(1000, kind="status", status=501)
    with pytest.raises(ServiceError) as err:
        wijklib.gebieden("Utrecht", niveau="gemeente")
    assert "501" in str(err.value) and len(pdok.requests) == 1
