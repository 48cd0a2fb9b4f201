"""A loopback imitation of Telegram's public channel web preview (``t.me/s/<channel>``).

:class:`TelegramPreviewSite` serves, with the markup of the real preview pages
(tests/fixtures/telegram):

* ``/s/<channel>``: the newest ``per_page`` messages, oldest first, with ``link rel=prev`` and
  the "load more" anchor pointing to ``?before=<first id>`` while older messages exist;
  ``/s/<channel>?before=<id>`` the ``per_page`` messages just below ``id``;
* ``/<channel>``: the channel's info page;
* for a channel without a public preview (or an unknown name), ``/s/<name>`` answers a 302 to
  ``/<name>``, as Telegram does.

Content changes while it runs (:meth:`TelegramPreviewSite.add_message`). Test switches:
``markup_changed`` (messages in unrelated markup), ``wrong_charset`` (Latin-1 bytes declared as
UTF-8) and ``rate_limited`` (Telegram's "No posts found" page).
"""

from __future__ import annotations

import html
import re
import threading
from datetime import UTC, datetime

from crawler.demo.loopback import SiteRequest, SiteResponse, not_found
from crawler.demo.telegram.data import DemoChannel, DemoMessage, default_channels

_LINK = re.compile(r"https?://[^\s<]+|@[A-Za-z][A-Za-z0-9_]{3,31}|#\w+")
_EMOJI = re.compile("[\u2600-\u27bf\U0001f300-\U0001faff]\ufe0f?")


class TelegramPreviewSite:
    """Telegram's channel preview on loopback, ``per_page`` messages per page."""

    def __init__(
        self,
        channels: dict[str, DemoChannel] | None = None,
        per_page: int = 20,
        now: datetime | None = None,
    ) -> None:
        self.channels = channels if channels is not None else default_channels(now)
        self.per_page = per_page
        self.markup_changed = False
        self.wrong_charset = False
        self.rate_limited = False
        self._lock = threading.Lock()

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        author: str | None = None,
        forwarded_from: str | None = None,
        documents: list[tuple[str, str]] | None = None,
        views: int = 1,
        at: datetime | None = None,
    ) -> DemoMessage:
        """Publish a new message in ``channel`` (created if unknown) and return it."""
        with self._lock:
            target = self.channels.setdefault(channel, DemoChannel(channel, channel))
            message = DemoMessage(
                target.next_id(),
                at or datetime.now(UTC),
                text,
                views=views,
                author=author,
                forwarded_from=forwarded_from,
                documents=list(documents or []),
            )
            target.messages.append(message)
            return message

    def handle(self, request: SiteRequest) -> SiteResponse:
        """Answer ``/s/<channel>[?before=id]`` and ``/<channel>``."""
        parts = [part for part in request.route.split("/") if part]
        with self._lock:
            if len(parts) == 2 and parts[0] == "s":
                return self._preview(parts[1], request.param("before"))
            if len(parts) == 1:
                return self._info(parts[0])
        return not_found()

    # --- pages -------------------------------------------------------------------------------

    def _preview(self, name: str, before: str | None) -> SiteResponse:
        channel = self._channel(name)
        if channel is None or not channel.preview:
            return SiteResponse(302, b"", "text/html", {"Location": f"/{name}"})
        older = [m for m in channel.messages if not before or m.message_id < _int(before)]
        shown = [] if self.rate_limited else older[-self.per_page :]
        head, more = "", ""
        if len(older) > len(shown) and shown:
            first = shown[0].message_id
            head = f'<link rel="prev" href="/s/{channel.username}?before={first}">\n'
            more = (
                '<div class="tgme_widget_message_centered js-messages_more_wrap">'
                f'<a href="/s/{channel.username}?before={first}" class="tme_messages_more '
                f'js-messages_more" data-before="{first}"></a></div>'
            )
        newer = ""
        if shown and shown[-1].message_id < channel.next_id() - 1:
            last = shown[-1].message_id
            newer = (
                '<div class="tgme_widget_message_centered js-messages_more_wrap">'
                f'<a href="/s/{channel.username}?after={last}" class="tme_messages_more '
                f'js-messages_more" data-after="{last}"></a></div>'
            )
        if self.rate_limited:
            body = (
                '<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class='
                '"tgme_widget_message_centered"><div class="tme_no_messages_found">No posts found'
                "</div></div></div>"
            )
        else:
            body = "".join(self._message(channel, m) for m in shown)
        page = _PREVIEW.format(
            title=html.escape(channel.title),
            username=channel.username,
            description=html.escape(channel.description),
            subscribers=_count(channel.subscribers),
            head=head,
            history=more + body + newer,
            canonical=channel.next_id(),
        )
        if self.wrong_charset:
            return SiteResponse(200, page.encode("latin-1", "replace"), "text/html; charset=utf-8")
        return SiteResponse(200, page.encode("utf-8"))

    def _info(self, name: str) -> SiteResponse:
        channel = self._channel(name)
        shown = html.escape(name)
        title = extra = context = ""
        description = f"If you have <strong>Telegram</strong>, you can contact @{shown} right away."
        if channel is not None:
            title = (
                '<div class="tgme_page_title" dir="auto">'
                f'<span dir="auto">{html.escape(channel.title)}</span></div>'
            )
            subscribers = f"{channel.subscribers:,}".replace(",", " ")
            extra = f'<div class="tgme_page_extra">{subscribers} subscribers</div>'
            description = html.escape(channel.description)
            if channel.preview:
                context = (
                    '<div class="tgme_page_context_link_wrap"><a class="tgme_page_context_link" '
                    f'href="/s/{channel.username}">Preview channel</a></div>'
                )
        page = _INFO.format(
            name=shown, title=title, extra=extra, description=description, context=context
        )
        return SiteResponse(200, page.encode("utf-8"))

    def _channel(self, name: str) -> DemoChannel | None:
        for channel in self.channels.values():
            if channel.username.lower() == name.lower():
                return channel
        return None

    # --- one message -------------------------------------------------------------------------

    def _message(self, channel: DemoChannel, message: DemoMessage) -> str:
        post = f"{channel.username}/{message.message_id}"
        if self.markup_changed:
            return f'<article class="post" id="{post}"><p>{_rich(message.text)}</p></article>'
        if message.service:
            return (
                '<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class='
                f'"tgme_widget_message service_message js-widget_message" data-post="{post}">'
                '<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_text '
                f'js-message_text" dir="auto">{html.escape(message.text)}</div></div></div></div>'
            )
        parts = [
            '<div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message'
            f'_owner_name" href="/{channel.username}"><span dir="auto">'
            f"{html.escape(channel.title)}</span></a></div>"
        ]
        if message.forwarded_from:
            parts.append(
                '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from '
                '<a class="tgme_widget_message_forwarded_from_name" href="/annonces_backup">'
                f'<span dir="auto">{html.escape(message.forwarded_from)}</span></a></div>'
            )
        for name, size in message.documents:
            parts.append(
                f'<a class="tgme_widget_message_document_wrap" href="/{post}"><div class="tgme_'
                'widget_message_document_icon accent_bg"></div><div class="tgme_widget_message_'
                'document"><div class="tgme_widget_message_document_title accent_color" dir="auto">'
                f'{html.escape(name)}</div><div class="tgme_widget_message_document_extra" '
                f'dir="auto">{html.escape(size)}</div></div></a>'
            )
        if message.media:
            parts.append(_UNSUPPORTED)
        if message.text:
            parts.append(
                '<div class="tgme_widget_message_text js-message_text" dir="auto">'
                f"{_rich(message.text)}</div>"
            )
        signature = (
            f'<span class="tgme_widget_message_from_author" dir="auto">'
            f"{html.escape(message.author)}</span>,&nbsp;"
            if message.author
            else ""
        )
        parts.append(
            '<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_'
            'widget_message_info short js-message_info"><span class="tgme_widget_message_views">'
            f'{_count(message.views)}</span><span class="copyonly"> views</span><span class='
            f'"tgme_widget_message_meta">{signature}<a class="tgme_widget_message_date" href='
            f'"/{post}"><time datetime="{message.date.isoformat(timespec="seconds")}" class='
            f'"time">{message.date:%H:%M}</time></a></span></div></div>'
        )
        return (
            '<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget'
            f'_message text_not_supported_wrap js-widget_message" data-post="{post}">'
            '<div class="tgme_widget_message_user"><a href="/'
            f'{channel.username}"><i class="tgme_widget_message_user_photo bgcolor2" data-content='
            f'"{html.escape(channel.title[:1])}"></i></a></div><div class="tgme_widget_message_'
            'bubble"><i class="tgme_widget_message_bubble_tail"></i>'
            + "".join(parts)
            + "</div></div></div>"
        )


def _rich(text: str) -> str:
    """Message text as the preview writes it: links, mentions, hashtags, emoji, ``<br/>``."""

    def link(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("@"):
            return f'<a href="https://t.me/{token[1:]}" target="_blank">{token}</a>'
        if token.startswith("#"):
            return f'<a href="?q=%23{token[1:]}">{html.escape(token)}</a>'
        return (
            f'<a href="{html.escape(token)}" target="_blank" rel="noopener" onclick="return '
            f"confirm('Open this link?\\n\\n'+this.href);\">{html.escape(token)}</a>"
        )

    pieces = []
    position = 0
    for match in _LINK.finditer(text):
        pieces.append(html.escape(text[position : match.start()]))
        pieces.append(link(match))
        position = match.end()
    pieces.append(html.escape(text[position:]))
    rendered = _EMOJI.sub(
        lambda m: (
            f'<i class="emoji" style="background-image:url(\'/img/emoji/{ord(m[0][0]):X}'
            f".png')\"><b>{m[0]}</b></i>"
        ),
        "".join(pieces),
    )
    return rendered.replace("\n", "<br/>")


def _count(value: int) -> str:
    """A counter as Telegram prints it: 812, 2.49K, 23.4K, 8.67M."""
    for limit, unit in ((1_000_000, "M"), (1_000, "K")):
        if value >= limit:
            return f"{value / limit:.3g}{unit}"
    return str(value)


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


_UNSUPPORTED = (
    '<div class="media_not_supported_cont"><div class="message_media_not_supported_wrap">'
    '<div class="message_media_not_supported"><div class="message_media_not_supported_label">'
    'Please open Telegram to view this post</div><span class="message_media_view_in_telegram">'
    "VIEW IN TELEGRAM</span></div></div></div>"
)
_PREVIEW = """<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>{title} – Telegram</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Telegram">
<meta property="og:description" content="{description}">
    {head}<link rel="canonical" href="/s/{username}?before={canonical}">
  </head>
  <body class="widget_frame_base tgme_webpreview emoji_image thin_box_shadow tme_mode">
    <header class="tgme_header search_collapsed"><div class="tgme_container">
      <div class="tgme_header_right_column"><section class="tgme_right_column">
        <div class="tgme_channel_info">
          <div class="tgme_channel_info_header">
            <div class="tgme_channel_info_header_title_wrap">
              <div class="tgme_channel_info_header_title"><span dir="auto">{title}</span></div>
            </div>
            <div class="tgme_channel_info_header_username">
              <a href="/{username}">@{username}</a>
            </div>
          </div>
          <div class="tgme_channel_info_counters"><div class="tgme_channel_info_counter">
            <span class="counter_value">{subscribers}</span>
            <span class="counter_type">subscribers</span>
          </div></div>
          <div class="tgme_channel_info_description">{description}</div>
        </div>
      </section></div>
    </div></header>
    <main class="tgme_main" data-url="/{username}">
      <div class="tgme_container">
        <section class="tgme_channel_history js-message_history">
      {history}
        </section>
      </div>
    </main>
  </body>
</html>
"""
_INFO = """<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>Telegram: View @{name}</title>
    <meta property="og:site_name" content="Telegram">
  </head>
  <body class="no_transition">
    <div class="tgme_page_wrap">
      <div class="tgme_body_wrap">
        <div class="tgme_page">
{title}
{extra}
<div class="tgme_page_description" dir="auto">{description}</div>
<div class="tgme_page_action">
  <a class="tgme_action_button_new shine" href="tg://resolve?domain={name}">View in Telegram</a>
</div>
{context}
        </div>
      </div>
    </div>
  </body>
</html>
"""
