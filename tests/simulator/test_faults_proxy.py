"""The fault proxy in front of the fake Bot API: each fault as a client sees it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from simulator.faults_proxy import FaultKind, FaultPlan, FaultProxy
from simulator.telegram import FakeBotAPI

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"  # the documentation's example
CHAT = 7001


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token=TOKEN, flood_limits=None) as fake:
        fake.add_user(CHAT, "สมชาย")
        yield fake


def proxy_for(api: FakeBotAPI, kind: FaultKind, **plan: float) -> FaultProxy:
    return FaultProxy(api.url, FaultPlan(rate=1.0, kinds=(kind,), seed=1, **plan)).start()  # type: ignore[arg-type]


def send(proxy: FaultProxy, text: str = "สวัสดี", timeout: float = 5.0) -> httpx.Response:
    return httpx.post(
        f"{proxy.base_url}{TOKEN}/sendMessage",
        data={"chat_id": str(CHAT), "text": text},
        timeout=timeout,
    )


def test_requests_pass_through_unchanged_without_faults(api: FakeBotAPI) -> None:
    with FaultProxy(api.url) as proxy:
        answer = send(proxy)
        assert answer.status_code == 200
        assert answer.json()["result"]["text"] == "สวัสดี"
        assert [m.text for m in api.sent_messages(CHAT)] == ["สวัสดี"]
        [record] = proxy.requests()
        assert (record.method, record.chat_id, record.text, record.fault) == (
            "sendMessage",
            str(CHAT),
            "สวัสดี",
            None,
        )
        assert proxy.fault_counts() == {}


def test_a_429_carries_retry_after_and_nothing_is_sent(api: FakeBotAPI) -> None:
    proxy = proxy_for(api, FaultKind.TOO_MANY)
    try:
        answer = send(proxy)
    finally:
        proxy.stop()
    assert answer.status_code == 429
    assert answer.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert api.sent_messages(CHAT) == []
    assert proxy.fault_counts() == {FaultKind.TOO_MANY: 1}


@pytest.mark.parametrize("kind", [FaultKind.SERVER_ERROR, FaultKind.BAD_GATEWAY])
def test_server_errors_are_answered_in_the_bot_api_envelope(
    api: FakeBotAPI, kind: FaultKind
) -> None:
    proxy = proxy_for(api, kind)
    try:
        answer = send(proxy)
    finally:
        proxy.stop()
    assert answer.status_code == int(kind.value)
    assert answer.json()["ok"] is False
    assert api.sent_messages(CHAT) == []


def test_a_hang_outlasts_the_client_timeout_and_sends_nothing(api: FakeBotAPI) -> None:
    proxy = proxy_for(api, FaultKind.HANG, hang_seconds=3.0)
    try:
        with pytest.raises(httpx.ReadTimeout):
            send(proxy, timeout=0.3)
    finally:
        proxy.stop()
    assert api.sent_messages(CHAT) == []
    assert proxy.fault_counts() == {FaultKind.HANG: 1}


def test_a_reset_breaks_the_connection_and_sends_nothing(api: FakeBotAPI) -> None:
    proxy = proxy_for(api, FaultKind.RESET)
    try:
        with pytest.raises(httpx.TransportError):
            send(proxy)
    finally:
        proxy.stop()
    assert api.sent_messages(CHAT) == []


def test_answer_lost_forwards_the_request_then_breaks_the_connection(api: FakeBotAPI) -> None:
    proxy = proxy_for(api, FaultKind.ANSWER_LOST)
    try:
        with pytest.raises(httpx.TransportError):
            send(proxy, "แจ้งเหตุ")
    finally:
        proxy.stop()
    assert [m.text for m in api.sent_messages(CHAT)] == ["แจ้งเหตุ"]
    [lost] = proxy.answer_lost()
    assert (lost.chat_id, lost.text, lost.status) == (str(CHAT), "แจ้งเหตุ", 200)


def test_get_updates_is_never_faulted_by_default(api: FakeBotAPI) -> None:
    proxy = proxy_for(api, FaultKind.SERVER_ERROR)
    try:
        answer = httpx.post(f"{proxy.base_url}{TOKEN}/getUpdates", data={"timeout": "0"})
    finally:
        proxy.stop()
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "result": []}


def test_a_fraction_of_sends_is_faulted_by_kind(api: FakeBotAPI) -> None:
    plan = FaultPlan(rate=0.5, kinds=(FaultKind.SERVER_ERROR, FaultKind.TOO_MANY), seed=7)
    with FaultProxy(api.url, plan) as proxy, httpx.Client() as client:
        statuses = [
            client.post(
                f"{proxy.base_url}{TOKEN}/sendMessage", data={"chat_id": CHAT, "text": str(n)}
            ).status_code
            for n in range(40)
        ]
        counts = proxy.fault_counts()
    assert sum(counts.values()) == statuses.count(500) + statuses.count(429)
    assert 0 < sum(counts.values()) < 40
    assert len(api.sent_messages(CHAT)) == statuses.count(200)
