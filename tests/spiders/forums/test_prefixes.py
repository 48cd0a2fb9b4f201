"""Bracketed tokens at the start of thread titles become tags, on every engine."""

from __future__ import annotations

import pytest

from crawler.core.dates import DateResolver
from spiders.forums.parsers import layout_for, parse_thread_list
from spiders.forums.parsers.prefixes import MAX_TAG_LENGTH, merge_tags, title_tags


@pytest.mark.parametrize(
    ("title", "tags"),
    [
        ("[VENTE] Base patients Clinique Sainte-Aure", ["VENTE"]),
        ("[SELLING] CHU records", ["SELLING"]),
        ("[WTS]", ["WTS"]),
        ("(FR) Export laboratoire", ["FR"]),
        ("【SELL】Centre hospitalier 120k", ["SELL"]),
        ("[Leak][FR] Mutuelle 2025", ["Leak", "FR"]),
        ("{FR} [ Vente  privée ] - fichier", ["FR", "Vente privée"]),
        ("[WTS] | [wts] (FR): dump", ["WTS", "FR"]),  # separators between tokens, one WTS
        ("  [VENTE]Base", ["VENTE"]),
        ("Clinique des Lilas (Lyon) [VENTE]", []),  # brackets in the middle are not tags
        ("[] [FR] x", []),  # an empty pair ends the prefix
        ("[[WTS]] nested", []),
        ("[a] [b] [c] [d] [e] [f] [g]", ["a", "b", "c", "d", "e"]),  # five at most
        (f"[{'x' * (MAX_TAG_LENGTH + 1)}] [FR] a bracketed title", []),
        (f"[{'x' * MAX_TAG_LENGTH}] x", ["x" * MAX_TAG_LENGTH]),
    ],
)
def test_leading_bracketed_tokens(title: str, tags: list[str]) -> None:
    assert title_tags(title) == tags


def test_engine_prefixes_come_first_and_are_not_repeated() -> None:
    assert merge_tags(["[SELLING]"], "[selling] (FR) CHU") == ["[SELLING]", "FR"]
    assert merge_tags(["Selling"], "[SELLING][Leak] x") == ["Selling", "Leak"]
    assert merge_tags([], "No tag here") == []


def _threads(engine: str, html: str, **options: object) -> list[tuple[str, list[str]]]:
    page = parse_thread_list(
        f"<html><body>{html}</body></html>",
        "https://board.example/",
        layout_for(engine, options),
        DateResolver(),
    )
    return [(thread.title, thread.tags) for thread in page.threads]


def test_every_engine_reads_title_tokens_and_keeps_the_title() -> None:
    mybb = """<table><tr class="inline_row"><td>
      <span><span style="color: #e60000;"><strong>[SELLING]</strong></span>&nbsp;<span
        class="subject_new" id="tid_5"><a href="showthread.php?tid=5">[Selling][FR] CHU
        de Valmont</a></span></span></td></tr>
      <tr class="inline_row"><td><span class="subject_old" id="tid_6"><a
        href="showthread.php?tid=6">【SELL】Clinique (Lyon)</a></span></td></tr></table>"""
    assert _threads("mybb", mybb) == [
        ("[Selling][FR] CHU de Valmont", ["[SELLING]", "FR"]),
        ("【SELL】Clinique (Lyon)", ["SELL"]),
    ]
    phpbb = """<ul class="topiclist topics"><li class="row bg1"><dl class="row-item"><dt>
      <div class="list-inner"><a href="./viewtopic.php?t=2231" class="topictitle">[VENTE] (FR)
      Centre Hospitalier de Valmont</a></div></dt></dl></li></ul>"""
    assert _threads("phpbb", phpbb) == [
        ("[VENTE] (FR) Centre Hospitalier de Valmont", ["VENTE", "FR"])
    ]
    xenforo = """<div class="structItem structItem--thread js-threadListItem-7"><div
      class="structItem-title"><a href="/forums/x.1/?prefix_id=1" class="labelLink"><span
      class="label label--red">Selling</span></a> <a href="/threads/x.7/" data-tp-primary="on"
      >[SELLING] [WTS] Mutuelle</a></div></div>"""
    assert _threads("xenforo", xenforo) == [("[SELLING] [WTS] Mutuelle", ["Selling", "WTS"])]
    custom = """<table id="sujets"><tr class="sujet"><td><a href="lire.php?sujet=9">(FR)
      [Leak] Pharmacie</a></td></tr></table>"""
    selectors = {"rows": "tr.sujet", "url": "xpath:./td[1]/a", "title": "xpath:./td[1]/a"}
    assert _threads("custom", custom, selectors=selectors) == [
        ("(FR) [Leak] Pharmacie", ["FR", "Leak"])
    ]
