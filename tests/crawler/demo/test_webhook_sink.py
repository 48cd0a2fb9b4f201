"""The loopback sink records requests in order and answers as scripted."""

from __future__ import annotations

import httpx
import pytest

from crawler.demo.webhook_sink import ReceivedRequest, SinkResponse, WebhookSink, describe


def test_records_and_answers_like_slack_by_default() -> None:
    with WebhookSink() as sink, httpx.Client() as client:
        first = client.post(sink.url + "/api/chat.postMessage", json={"text": "hi"})
        second = client.post(
            sink.url + "/hook",
            json={"type": "alert.created", "data": {"severity": "high", "entity": {"name": "CHU"}}},
            headers={"webhook-id": "hit:1:x"},
        )
        requests = sink.requests
    assert first.json() == {"ok": True, "ts": "1700000000.000000"}
    assert second.json()["ts"] == "1700000000.000001"
    assert [r.path for r in requests] == ["/api/chat.postMessage", "/hook"]
    assert requests[1].webhook_id == "hit:1:x"
    assert describe(requests[1]) == (
        "POST /hook webhook-id=hit:1:x type='alert.created' severity='high' entity='CHU'"
    )


def test_scripted_answers_and_dropped_connections() -> None:
    def responder(request: ReceivedRequest) -> SinkResponse:
        if request.seq == 0:
            return SinkResponse(drop=True)
        return SinkResponse(429, b"slow", {"Retry-After": "3"})

    with WebhookSink(responder) as sink, httpx.Client() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(sink.url + "/x", content=b"1")
        answer = client.post(sink.url + "/x", content=b"2")
        assert sink.wait_for(2, timeout=5)
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "3"
