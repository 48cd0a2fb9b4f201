"""Slack: Block Kit content, escaping of crawled text, bot threads, webhook-mode updates."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.errors import ChannelUnavailable, PermanentDeliveryError, TransientDeliveryError
from alerts.outbox import enqueue_hit_alerts
from alerts.payload import SOURCE_HISTORY_QUIET, envelope
from alerts.slack import SlackSender
from alerts.slack_blocks import escape, link, render_message
from alerts.transport import OutgoingMessage
from crawler.core.config import ChannelConfig, WebConfig
from crawler.core.quiet_history import QuietHistory
from crawler.core.records import Claims
from db.models import OutboxMessage
from tests.alerts.support import T0, assert_valid_slack_message, settings_for, store_hits

NIR = "1 85 05 78 006 084 91"
HOSTILE_TITLE = "<!channel> Vente HP Thiais <https://evil.example|click> & more"
HOSTILE_EXCERPT = f"dump <!here> <@U123> NIR {NIR} tel 06 12 34 56 78 see <https://evil|click>"
WEBHOOK = ChannelConfig(
    name="cert-slack", type="slack", url="https://hooks.slack.test/T1/B2/s3cr3t"
)  # type: ignore[arg-type]
BOT = ChannelConfig(
    name="cert-bot",
    type="slack",
    token="xoxb-s3cr3t-token",  # type: ignore[arg-type]
    slack_channel="C0123",
    url="http://slack.test/api",  # type: ignore[arg-type]
)


def _document(
    sessions: sessionmaker[Session], base_url: str | None = None, **post: Any
) -> dict[str, Any]:
    settings = settings_for("sqlite://", [WEBHOOK.model_dump()], [{"channel": "cert-slack"}])
    if base_url is not None:
        settings = settings.model_copy(update={"web": WebConfig(base_url=base_url)})
    with sessions.begin() as session:
        enqueue_hit_alerts(session, settings, store_hits(session, **post), now=T0)
        message = session.execute(select(OutboxMessage)).scalar_one()
        return message.payload


def _message(document: dict[str, Any], thread_ts: str | None = None) -> OutgoingMessage:
    return OutgoingMessage("cert-bot", "alert", "hit:1:cert-bot", document, thread_ts)


def test_hostile_post_renders_harmless_and_redacted(sessions: sessionmaker[Session]) -> None:
    document = _document(
        sessions,
        title=HOSTILE_TITLE,
        excerpt=HOSTILE_EXCERPT,
        url="http://forum.example/t?id=1&p=<2>|x",
    )
    body = render_message(document)
    assert_valid_slack_message(body)
    text = json.dumps(body, ensure_ascii=False)
    for dangerous in ("<!channel>", "<!here>", "<@U123>", "<https://evil", "|click>"):
        assert dangerous not in text
    assert "&lt;!channel&gt;" in text and "&lt;https://evil|click&gt;" in text
    assert "006 084" not in text and "06 12 34 56 78" not in text
    assert "[NIR]" in text
    assert "<http://forum.example/t?id=1&amp;p=%3C2%3E%7Cx|" in text
    assert body["unfurl_links"] is False and body["unfurl_media"] is False


def test_alert_blocks_show_what_matters(sessions: sessionmaker[Session]) -> None:
    document = _document(sessions)
    body = render_message(document)
    assert_valid_slack_message(body)
    text = json.dumps(body, ensure_ascii=False)
    assert document["data"]["hit_url"] is None and "Open in leakwatch" not in text
    assert body["blocks"][0]["type"] == "header"
    assert "CRITICAL · Hôpital privé de Thiais" in body["blocks"][0]["text"]["text"]
    for expected in (
        "Thiais (94) · Île-de-France",
        "ET 940000573 · EJ 940000011",
        "forum-a (forum)",
        "0.90",
        "758 912",
        "identity, nir",
        "2 BTC",
        "x0r",
        "<http://forum.example/thread/1|Vente base HP Thiais 758k patients>",
        "<!date^",
    ):
        assert expected in text, expected
    # Slack renders the token in each reader's zone: no "UTC" label on it; the fallback is UTC.
    assert "{date_short_pretty} {time}|2026-03-02 09:00 UTC>" in text
    assert body["text"].startswith("[CRITICAL] Hôpital privé de Thiais")


def test_a_ransomware_listing_says_who_listed_it_and_when(sessions: sessionmaker[Session]) -> None:
    document = _document(sessions, kind="feed", source="rw", title="Hôpital privé de Thiais",
                         author="nightveil", sale_score=0.0, claim=Claims(), url=None,
                         extra={"group_name": "<!channel> nightveil"})  # fmt: skip
    body = render_message(document)
    assert_valid_slack_message(body)
    assert "CRITICAL · Hôpital privé de Thiais" in body["blocks"][0]["text"]["text"]
    why = body["blocks"][1]["text"]["text"]
    assert why == (
        ":pirate_flag: *Ransomware listing:* listed by &lt;!channel&gt; nightveil on 2026-03-02"
    )
    assert body["text"].endswith("(listed by &lt;!channel&gt; nightveil on 2026-03-02)")
    assert "<!channel>" not in json.dumps(body)


def test_a_long_digest_line_is_cut_outside_its_link() -> None:
    item = {"severity": "high", "entity": "CH d'Arles", "source": "forum", "update": False}
    item |= {"url": "https://forum.example/t/" + "x" * 300, "title": "Vente base patients " * 20}
    document = {
        "type": "digest",
        "data": {
            "period": {"kind": "daily", "start": "2026-12-01T00:00:00Z", "end": None},
            "by_severity": {"high": 1},
            "count": 1,
            "alerts": [item],
        },
    }
    text = json.dumps(render_message(document)["blocks"])
    line = next(b["text"]["text"] for b in json.loads(text)[2:] if "CH d'Arles" in str(b))
    assert len(line) <= 500
    assert line.count("<") == line.count(">")  # no half link for Slack to mangle
    # The title is cut, not its link, and the source is still there.
    assert "<https://forum.example/t/xxx" in line and "Vente base patients" in line
    assert line.endswith("…> · forum")


def test_a_very_long_title_keeps_its_link_and_author(sessions: sessionmaker[Session]) -> None:
    # Stored titles are capped, but escaped for Slack a title of markup triples in length.
    url = "https://forum.example/t/" + "y" * 2_400
    document = _document(sessions, title="Vente <&> " * 100, url=url, author="seller<42>")
    body = render_message(document)
    assert_valid_slack_message(body)
    post = next(b["text"]["text"] for b in body["blocks"] if "*Post:*" in str(b))
    assert post.startswith(f"*Post:* <{url}|Vente &lt;&amp;&gt; Vente")
    assert post.endswith("…> by seller&lt;42&gt;") and len(post) <= 2_900


def test_every_alert_links_to_the_hit_page_and_bot_mode_adds_buttons(
    sessions: sessionmaker[Session],
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True, "ts": "1700000000.000100"})

    document = _document(sessions, base_url="https://leakwatch.cert.example/")
    hit_id = document["data"]["hit_id"]
    page = f"https://leakwatch.cert.example/hits/{hit_id}"
    assert document["data"]["hit_url"] == page
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        SlackSender(BOT, client).send(_message(document))
        SlackSender(WEBHOOK, client).send(_message(document))
    bot, webhook = (json.loads(request.content) for request in seen)
    for body in (bot, webhook):
        assert_valid_slack_message(body)
        assert f"<{page}|Open in leakwatch>" in json.dumps(body["blocks"][-2:])
    [actions] = [block for block in bot["blocks"] if block["type"] == "actions"]
    assert [(b["text"]["text"], b["url"]) for b in actions["elements"]] == [
        ("Open in leakwatch", page),
        ("Source", "http://forum.example/thread/1"),
    ]
    assert not [block for block in webhook["blocks"] if block["type"] == "actions"]


def test_a_quiet_history_line_is_escaped() -> None:
    summary = QuietHistory(3, 1, 2, 0, T0, 7, T0, 1).sentence("feed-a")
    data = {"source": {"name": "feed-a", "kind": "feed"}, "summary": summary + " <!here> & co"}
    body = render_message(envelope(SOURCE_HISTORY_QUIET, data, T0))
    assert_valid_slack_message(body)
    assert body["blocks"][1]["text"]["text"] == (
        "feed-a: 3 older item(s) entered the history quietly, 1 of them naming watched "
        "entities (2 hit(s) stored without alert); newest published 2026-03-02; items of the "
        "last 7 day(s) alert as usual (1 newer hit(s) this run). &lt;!here&gt; &amp; co"
    )


def test_link_only_for_http_urls() -> None:
    assert link("javascript:alert(1)", "x") == "x"
    assert link(None, "<b>") == "&lt;b&gt;"
    assert escape("a & <b>") == "a &amp; &lt;b&gt;"


def test_bot_mode_posts_with_token_and_threads_follow_ups(sessions: sessionmaker[Session]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True, "ts": "1700000000.000100"})

    document = _document(sessions)
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        sender = SlackSender(BOT, client)
        first = sender.send(_message(document))
        update = {**document, "type": "alert.updated"}
        update["data"] = {**document["data"], "update": {"reason": "repost", "escalated": True}}
        sender.send(_message(update, thread_ts=first.thread_ts))
    assert first.thread_ts == "1700000000.000100"
    assert str(seen[0].url) == "http://slack.test/api/chat.postMessage"
    assert seen[0].headers["authorization"] == "Bearer xoxb-s3cr3t-token"
    posted = [json.loads(request.content) for request in seen]
    assert posted[0]["channel"] == "C0123" and "thread_ts" not in posted[0]
    assert posted[1]["thread_ts"] == "1700000000.000100"
    assert posted[1]["reply_broadcast"] is True
    assert posted[1]["blocks"][0]["text"]["text"].startswith(":arrow_right_hook: Update")


def test_webhook_mode_sends_updates_as_messages(sessions: sessionmaker[Session]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="ok")

    document = _document(sessions)
    document = {**document, "type": "alert.updated"}
    document["data"] = {**document["data"], "update": {"reason": "repost", "escalated": False}}
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        result = SlackSender(WEBHOOK, client).send(_message(document, thread_ts="1.2"))
    assert result.thread_ts is None
    posted = json.loads(seen[0].content)
    assert "thread_ts" not in posted and posted["text"].startswith("Update: ")


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ({"ok": False, "error": "channel_not_found"}, PermanentDeliveryError),
        ({"ok": False, "error": "ratelimited"}, TransientDeliveryError),
        ({"ok": False, "error": "internal_error"}, TransientDeliveryError),
    ],
)
def test_bot_api_errors(answer: dict[str, Any], error: type[Exception]) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=answer))
    with httpx.Client(transport=transport) as client, pytest.raises(error) as caught:
        SlackSender(BOT, client).send(_message({"type": "test", "data": {"message": "hi"}}))
    assert "s3cr3t" not in str(caught.value)


def test_connection_errors_never_show_the_webhook_url() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}")

    transport = httpx.MockTransport(refuse)
    with (
        httpx.Client(transport=transport) as client,
        pytest.raises(TransientDeliveryError) as caught,
    ):
        SlackSender(WEBHOOK, client).send(_message({"type": "test", "data": {}}))
    assert "s3cr3t" not in str(caught.value) and "ConnectError" in str(caught.value)


def test_slack_channel_needs_url_or_token() -> None:
    channel = ChannelConfig.model_construct(name="x", type="slack", url=None, token=None)
    with httpx.Client() as client, pytest.raises(ChannelUnavailable):
        SlackSender(channel, client)
