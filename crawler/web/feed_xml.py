"""Hit lists as Atom 1.0 and RSS 2.0 documents (for feed readers and newsroom tools).

Built with ElementTree, which escapes every text and attribute; characters XML 1.0 forbids
(control characters a crawled title may hold) are dropped first, so a hostile post can neither
break the document nor inject markup. Entries link to the hit's page in leakwatch (a login is
needed to open it); ids are stable URNs, so a reader never shows a hit twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree

from db.hits import HitRow

ATOM = "http://www.w3.org/2005/Atom"
#: Longest excerpt an entry carries.
SUMMARY_CHARS = 500
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def atom_feed(
    title: str, feed_id: str, page_url: str, base_url: str, hits: Sequence[HitRow]
) -> bytes:
    """An Atom feed of ``hits`` (newest first); ``page_url`` is the same search in the UI."""
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    _text(feed, f"{{{ATOM}}}id", feed_id)
    _text(feed, f"{{{ATOM}}}title", title)
    _text(feed, f"{{{ATOM}}}updated", _newest(hits).isoformat())
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=page_url)
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, f"{{{ATOM}}}name", "leakwatch")
    for hit in hits:
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, f"{{{ATOM}}}id", f"urn:leakwatch:hit:{hit.id}")
        _text(entry, f"{{{ATOM}}}title", entry_title(hit))
        ElementTree.SubElement(entry, f"{{{ATOM}}}link", href=f"{base_url}/hits/{hit.id}")
        _text(entry, f"{{{ATOM}}}updated", hit.created_at.isoformat())
        if hit.posted_at is not None:
            _text(entry, f"{{{ATOM}}}published", hit.posted_at.isoformat())
        ElementTree.SubElement(entry, f"{{{ATOM}}}category", term=hit.severity)
        _text(entry, f"{{{ATOM}}}summary", entry_summary(hit))
    return _document(feed)


def rss_feed(
    title: str, page_url: str, base_url: str, description: str, hits: Sequence[HitRow]
) -> bytes:
    """An RSS 2.0 feed of ``hits`` (newest first)."""
    rss = ElementTree.Element("rss", version="2.0")
    channel = ElementTree.SubElement(rss, "channel")
    _text(channel, "title", title)
    _text(channel, "link", page_url)
    _text(channel, "description", description)
    _text(channel, "lastBuildDate", format_datetime(_newest(hits)))
    for hit in hits:
        item = ElementTree.SubElement(channel, "item")
        _text(item, "title", entry_title(hit))
        _text(item, "link", f"{base_url}/hits/{hit.id}")
        guid = _text(item, "guid", f"urn:leakwatch:hit:{hit.id}")
        guid.set("isPermaLink", "false")
        _text(item, "pubDate", format_datetime(hit.created_at))
        _text(item, "category", hit.severity)
        _text(item, "description", entry_summary(hit))
    return _document(rss)


def entry_title(hit: HitRow) -> str:
    """``Entity — post title``."""
    return f"{hit.entity_name} — {hit.title}"


def entry_summary(hit: HitRow) -> str:
    """Severity, source, where it was seen and what the post claims, then the excerpt."""
    parts = [f"severity {hit.severity}", f"{hit.source_name} ({hit.source_kind})"]
    if hit.ransomware_group:
        parts.append(f"ransomware group {hit.ransomware_group}")
    if hit.seller:
        parts.append(f"seller {hit.seller}")
    if hit.records:
        parts.append(f"{hit.records:,} records")
    if hit.price is not None:
        parts.append(f"price {hit.price:g} {hit.currency or ''}".strip())
    summary = "; ".join(parts)
    excerpt = hit.excerpt[:SUMMARY_CHARS]
    return f"{summary}. {excerpt}" if excerpt else summary


def clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def _text(parent: ElementTree.Element, tag: str, text: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    element.text = clean(text)
    return element


def _newest(hits: Sequence[HitRow]) -> datetime:
    return hits[0].created_at if hits else datetime(2000, 1, 1, tzinfo=UTC)


def _document(root: ElementTree.Element) -> bytes:
    document: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
