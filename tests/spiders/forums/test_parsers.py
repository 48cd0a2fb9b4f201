"""Forum parsers on saved pages of each engine, and on every page the demo forum renders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from w3lib.encoding import html_to_unicode

from crawler.core.dates import DateResolver
from crawler.demo.forums.data import generate_forum
from crawler.demo.forums.server import ForumModes, ForumServer
from spiders.forums.parsers import layout_for, parse_first_post, parse_thread_list

FIXTURES = Path(__file__).parents[2] / "fixtures" / "forums"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BASE = "https://board.example/forum/forumdisplay.php?fid=4"


def parse(engine: str, name: str, timezone: str = "UTC", order: str = "MDY", **options: Any):  # type: ignore[no-untyped-def]
    _, html = html_to_unicode(None, (FIXTURES / name).read_bytes())
    dates = DateResolver(timezone, now=NOW, date_order=order)
    return parse_thread_list(html, BASE, layout_for(engine, **options), dates)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_mybb_default_theme() -> None:
    page = parse("mybb", "mybb_default_forumdisplay.html")
    assert [t.thread_id for t in page.threads] == ["12", "1873", "1869", "1850", "1702"]
    assert page.next_url == "https://board.example/forum/forumdisplay.php?fid=4&page=2"
    assert page.section == "Databases"
    rules, selling, buying, leak, moved = page.threads
    assert rules.sticky and not any(t.sticky for t in page.threads[1:])
    assert selling.title == "Clinique des Lilas (Lyon) - 48k patients, NIR + mutuelle"
    assert selling.url == "https://board.example/forum/showthread.php?tid=1873"
    assert (selling.author, selling.replies, selling.views) == ("medikit", 17, 1204)
    assert selling.tags == ["[SELLING]"]
    assert selling.created_at == at(2026, 11, 23, 8, 50)  # <span title="11-23-2026">Today</span>
    assert selling.last_post_at == at(2026, 11, 23, 9, 46)  # title of "14 minutes ago"
    assert buying.tags == ["[BUYING]"] and buying.author == "Guest_nomad"
    assert buying.created_at == at(2026, 11, 22, 23, 15)
    assert leak.tags == ["[LEAK]"] and leak.replies == 1032 and leak.views == 58811
    assert leak.title == "Mutuelle Santé Avenir customers & IBANs (2025 dump)"
    assert (moved.replies, moved.views) == (None, None)


def test_mybb_seo_clone_without_ids_in_links() -> None:
    page = parse("mybb", "mybb_clone_seo_forumdisplay.html")
    assert [t.thread_id for t in page.threads] == ["78001", "81234", "81230", "80017"]
    assert [t.sticky for t in page.threads] == [True, False, False, False]
    selling = page.threads[1]
    assert selling.url == (
        "https://board.example/forum/Thread-SELLING-Polyclinique-du-Parc-Nantes-120k-patient-records"
    )
    assert (selling.author, selling.tags, selling.replies, selling.views) == (
        "datavendor",
        ["SELLING"],
        42,
        3318,
    )
    assert selling.created_at is None
    assert selling.last_post_at == at(2026, 11, 23, 8, 59)
    assert page.next_url == "https://board.example/forum/Forum-Databases?page=2"


def test_mybb_in_french_latin1_with_day_month_dates() -> None:
    page = parse("mybb", "mybb_french_forumdisplay.html", "Europe/Paris", "DMY")
    rules, sale, radiology = page.threads
    assert rules.sticky and rules.views == 1502 and page.section == "Bases de données"
    assert sale.title == "Base patients Clinique Sainte-Aure (Dijon) à vendre"
    assert sale.tags == ["[VENTE]"]
    assert sale.created_at == at(2026, 11, 22, 20, 14)  # "Hier, 21:14" Paris time
    assert sale.last_post_at == at(2026, 11, 23, 8, 55)  # "Il y a 5 minutes", title wins
    assert radiology.created_at == at(2026, 11, 3, 7, 5)  # 03-11-2026 is 3 November
    assert radiology.last_post_at == at(2026, 11, 23, 6, 30)


def test_mybb_18_before_13_whoposted_javascript_links() -> None:
    # 1.8.0-1.8.12 link the reply count to "javascript:MyBB.whoPosted(N);" only; the replies cell
    # also holds the unapproved count, a rating column sits before the last post.
    page = parse("mybb", "mybb_1800_forumdisplay.html")
    assert [t.thread_id for t in page.threads] == ["2304", "2210"]  # no announcement, no deleted
    sale, moved = page.threads
    assert (sale.replies, sale.views, sale.tags) == (17, 1204, ["[VENTE]"])
    assert sale.title == "Centre de radiologie des Tilleuls — 20k comptes-rendus"
    assert sale.created_at is None and sale.last_post_at == at(2026, 11, 23, 8, 46)
    assert (moved.replies, moved.views, moved.tags) == (None, None, [])  # "Moved:" is no prefix
    assert moved.last_post_at == at(2026, 11, 20, 15, 12)  # "November 20th, 2026, 03:12 PM"
    assert page.next_url == "https://board.example/forum/forumdisplay.php?fid=9&page=2"


def test_mybb_clone_theme_date_class_and_pagination_without_next() -> None:
    page = parse("mybb", "mybb_clone_no_next_forumdisplay.html")
    (thread,) = page.threads
    assert (thread.thread_id, thread.author, thread.replies, thread.views) == (
        "9120",
        "ghost",
        3,
        212,
    )
    assert thread.created_at == at(2026, 11, 18, 11, 26)  # d-m-y, two-digit year
    assert thread.last_post_at == at(2026, 11, 22, 21, 30)
    assert page.next_url == "https://board.example/forum/Forum-Marketplace?page=3"


def test_phpbb_33_prosilver() -> None:
    page = parse("phpbb", "phpbb33_prosilver_viewforum.html", "Europe/Paris")
    assert [t.thread_id for t in page.threads] == ["3", "40", "2231", "2219"]
    assert [t.sticky for t in page.threads] == [True, True, False, False]
    sale = page.threads[2]
    assert sale.title == "[VENTE] Centre Hospitalier de Valmont — 310k dossiers patients"
    assert sale.tags == ["VENTE"] and page.threads[1].tags == ["INFO"]  # typed in the title
    assert sale.url == "https://board.example/forum/viewtopic.php?t=2231"  # sid dropped
    assert (sale.author, sale.replies, sale.views) == ("shadowbroker_fr", 27, 1893)
    assert sale.created_at == at(2026, 11, 22, 20, 14)
    assert sale.last_post_at == at(2026, 11, 23, 8, 51, 3)
    assert page.threads[0].author == "Admin" and page.threads[3].author == "invité_9"
    assert page.next_url == "https://board.example/forum/viewforum.php?f=7&start=25"
    assert page.section == "Ventes de bases"


def test_phpbb_30_without_time_elements() -> None:
    page = parse("phpbb", "phpbb30_prosilver_viewforum.html")
    rules, sale = page.threads
    assert rules.sticky and not sale.sticky
    assert rules.created_at == at(2010, 3, 16, 13, 23)
    assert rules.last_post_at == at(2010, 3, 17, 9, 5)
    assert (sale.thread_id, sale.author, sale.replies, sale.views) == (
        "1203",
        "pharmacist",
        18,
        640,
    )
    assert sale.created_at == at(2026, 11, 22, 21, 12)
    assert sale.last_post_at == at(2026, 11, 23, 8, 40)
    assert page.next_url == "https://board.example/forum/viewforum.php?f=4&start=25"


def test_phpbb_subsilver2_table_rows() -> None:
    page = parse("phpbb", "phpbb_subsilver2_viewforum.html")
    vendors, pacs = page.threads
    assert (vendors.thread_id, vendors.title, vendors.sticky) == ("77", "Vendor list", True)
    assert (vendors.author, vendors.replies, vendors.views) == ("admin", 3, 1912)
    assert vendors.created_at == at(2026, 1, 5, 10, 0)  # the link's "Posted: …" title
    assert vendors.last_post_at == at(2026, 1, 6, 20, 15)
    assert (pacs.author, pacs.replies, pacs.views, pacs.sticky) == ("pharmacist", 0, 57, False)
    assert page.next_url == "https://board.example/forum/viewforum.php?f=3&start=25"


def test_phpbb_30_starters_without_a_profile_link() -> None:
    # functions_content.php (3.0): get_username_string('full') is a coloured span for a user
    # without a profile link (deleted, anonymous) and the bare name for a plain guest.
    page = parse("phpbb", "phpbb30_guest_authors_viewforum.html", order="MDY")
    coloured, guest, member = page.threads
    assert coloured.author == "ancien_modo"
    assert guest.author == "Anonyme 42" and guest.created_at == at(2026, 11, 21, 18, 5)
    assert member.author == "pharmacist"  # not the last poster's coloured span


def test_phpbb_31_starter_spans_outside_topic_poster() -> None:
    # prosilver 3.1: the starter sits in div.responsive-hide (no topic-poster yet), beside the
    # hidden "Last post by …" of div.responsive-show; tpl_noprofile is <span class="username">.
    page = parse("phpbb", "phpbb31_prosilver_viewforum.html")
    guest, deleted = page.threads
    assert (guest.thread_id, guest.author, guest.replies) == ("44", "drop_guest", 3)
    assert (deleted.thread_id, deleted.author) == ("41", "former_admin")


@pytest.mark.parametrize(
    ("engine", "row", "author"),
    [
        # MyBB build_profile_link(): a guest is its (format_name-styled) name, no link
        (
            "mybb",
            '<table><tr class="inline_row"><td><span class="subject_new" id="tid_88">'
            '<a href="showthread.php?tid=88">Offer</a></span><div><span class="author '
            'smalltext"><span style="color: #CC00CC;"><strong>Visiteur</strong></span>, '
            "</span></div></td></tr></table>",
            "Visiteur",
        ),
        # XenForo username_link() for a viewer who may not see profiles: a span, no href
        (
            "xenforo",
            '<div class="structItem structItem--thread js-threadListItem-9001" '
            'data-author="hidden_user"><div class="structItem-title"><a href="/threads/x.9001/"'
            ' data-tp-primary="on">Offer</a></div><ul class="structItem-parts"><li><span '
            'class="username " dir="auto" data-user-id="51"><span class="username--style3">'
            "hidden_user</span></span></li></ul></div>",
            "hidden_user",
        ),
    ],
)
def test_starters_without_a_profile_link(engine: str, row: str, author: str) -> None:
    page = parse_thread_list(
        f"<html><body>{row}</body></html>", BASE, layout_for(engine), DateResolver(now=NOW)
    )
    assert [thread.author for thread in page.threads] == [author]


def test_phpbb_33_style_printing_dates_as_french_text() -> None:
    page = parse("phpbb", "phpbb33_style_without_time_fr.html", "Europe/Paris", "DMY")
    charter, sale = page.threads
    assert charter.sticky and charter.author == "Admin" and charter.views == 4210
    assert charter.created_at == at(2026, 1, 5, 9, 0)  # before "» dans <forum>"
    assert (sale.thread_id, sale.author, sale.replies, sale.views) == (
        "41234",
        "biolab_dump",
        10,
        117,
    )
    assert sale.created_at == at(2026, 7, 24, 14, 26)  # "ven. 24 juil. 2026 16:26" Paris
    assert sale.last_post_at == at(2026, 8, 5, 12, 52)


def test_xenforo_22() -> None:
    page = parse("xenforo", "xenforo22_forum_view.html", "Europe/Paris")
    rules, sale, request = page.threads
    assert rules.sticky and not sale.sticky and not request.sticky
    assert sale.thread_id == "48213" and sale.tags == ["Selling"]
    assert sale.url == "https://board.example/threads/clinique-du-lac-bleu-patients-fr-95k.48213/"
    assert (sale.author, sale.replies, sale.views) == ("datavendor", 31, 2000)
    assert sale.created_at == at(2026, 11, 23, 7, 50)
    assert sale.last_post_at == at(2026, 11, 23, 8, 58, 20)
    assert request.author == "anon_buyer" and request.created_at == at(2026, 11, 16, 15, 12)
    assert rules.views == 48000
    assert page.next_url == "https://board.example/forums/databases.12/page-2"


def test_xenforo_23_in_french() -> None:
    page = parse("xenforo", "xenforo23_forum_view_fr.html", "Europe/Paris")
    (leak,) = page.threads
    assert leak.thread_id == "7741" and leak.tags == ["Fuite"]
    assert leak.url == "https://board.example/index.php?threads/ehpad-les-tilleuls-residents.7741/"
    assert (leak.replies, leak.views) == (9, 1200)
    assert leak.created_at == at(2026, 11, 22, 20, 14)  # data-timestamp, not data-time="21:14"
    assert leak.last_post_at == at(2026, 11, 23, 8, 55)
    assert page.next_url == "https://board.example/index.php?forums/fuites-sante.5/page-2"


def test_xenforo_redirect_and_deleted_threads_with_unknown_labels() -> None:
    page = parse("xenforo", "xenforo22_redirect_deleted.html")
    moved, deleted = page.threads
    assert (moved.thread_id, moved.author, moved.replies, moved.views) == (
        "501",
        "mover",
        None,
        None,
    )
    assert moved.created_at == at(2026, 11, 20, 3, 0) and moved.last_post_at is None  # "N/A"
    assert (deleted.author, deleted.replies, deleted.views) == ("spam_bot", 2, 1200)
    assert deleted.created_at is None and deleted.last_post_at == at(2026, 11, 23, 8, 0)


@pytest.mark.parametrize(
    ("engine", "html", "empty"),
    [
        (
            "mybb",
            "<td>Désolé, mais il n&#039;y a actuellement aucun sujet dans ce forum.</td>",
            True,
        ),
        ("phpbb", "<strong>Il n&rsquo;y a aucun sujet ou message dans ce forum.</strong>", True),
        (
            "phpbb",
            "<strong>No topics exist inside this forum for the selected time frame.</strong>",
            True,
        ),
        (
            "xenforo",
            '<div class="structItem js-emptyThreadList"><div class="structItem-cell">…</div></div>',
            True,
        ),
        # a logged-in XenForo page only names the class in its quick-thread form: rows the
        # parser misses there are a breakage, not an empty forum
        (
            "xenforo",
            '<form class="structItem" data-replace-target=".js-emptyThreadList"></form>',
            False,
        ),
        ("mybb", '<table><tr class="inline_row"><td>theme change</td></tr></table>', False),
    ],
)
def test_empty_section_is_told_from_a_page_the_parser_misses(
    engine: str, html: str, empty: bool
) -> None:
    page = parse_thread_list(
        f"<html><body>{html}</body></html>", BASE, layout_for(engine), DateResolver(now=NOW)
    )
    assert page.threads == [] and page.says_empty is empty


def test_configured_selectors_on_a_home_made_forum() -> None:
    selectors = {
        "rows": "table#sujets tr.sujet",
        "title": "xpath:./td[1]/a",
        "url": "xpath:./td[1]/a",
        "thread_id_pattern": r"sujet=(\d+)",
        "author": "xpath:./td[2]",
        "replies": "xpath:./td[3]",
        "views": "xpath:./td[4]",
        "last_post_at": "xpath:./td[5]",
        "tags": "td b.tag",
        "sticky": "xpath:self::*[has-class('epingle')]",
        "section": "h1#board",
    }
    page = parse("custom", "custom_table_forum.html", "Europe/Paris", "DMY", selectors=selectors)
    rules, sale, question = page.threads
    assert rules.sticky and rules.views == 5411 and rules.last_post_at == at(2026, 1, 4, 18, 22)
    assert (sale.thread_id, sale.tags, sale.author, sale.replies) == (
        "1204",
        ["VENTE"],
        "pharmacist",
        4,
    )
    assert sale.last_post_at == at(2026, 11, 23, 7, 0)  # "il y a 2 heures"
    assert question.last_post_at == at(2026, 11, 22, 20, 14)  # "Hier à 21:14"
    assert page.next_url == "https://board.example/forum.php?cat=2&p=2"


def test_selector_overrides_and_errors() -> None:
    with pytest.raises(ValueError, match="rows and .url"):
        layout_for("custom", {"title": "a"})
    with pytest.raises(ValueError, match="unknown selector 'titel'"):
        layout_for("mybb", {"titel": "a"})
    with pytest.raises(ValueError, match="invalid rows selector"):
        layout_for("custom", {"rows": "tr[", "url": "a"})
    with pytest.raises(ValueError, match="unknown forum engine"):
        layout_for("vbulletin")
    themed = layout_for("mybb", {"views": "xpath:./td[@data-col='views']"})
    assert themed.views == ("xpath:./td[@data-col='views']",)
    based = layout_for("custom", {"author": ".who"}, base_engine="phpbb")
    assert based.rows == layout_for("phpbb").rows and based.author == (".who",)


def test_markup_that_is_not_a_listing_gives_no_thread() -> None:
    page = parse("mybb", "phpbb33_prosilver_viewforum.html")
    assert page.threads == [] and not page.says_empty
    assert parse("xenforo", "cloudflare_challenge.html").threads == []


@pytest.mark.parametrize(
    ("engine", "name", "start", "contains"),
    [
        (
            "mybb",
            "mybb_showthread.html",
            "Selling the full patient table of Clinique des Lilas",
            "48,112 rows",
        ),
        (
            "phpbb",
            "phpbb33_viewtopic.html",
            "Full export of the lab results system",
            "410k patients",
        ),
        ("xenforo", "xenforo22_thread_view.html", "Fresh dump of Clinique du Lac Bleu", "95,400"),
        ("phpbb", "phpbb_subsilver2_viewtopic.html", "Export of the pharmacy", "3,200 patients"),
    ],
)
def test_first_post_text(engine: str, name: str, start: str, contains: str) -> None:
    text = parse_first_post((FIXTURES / name).read_text(encoding="utf-8"), layout_for(engine))
    assert text is not None and text.startswith(start) and contains in text
    assert "trackPost" not in text and "Vouch" not in text and "pm sent" not in text
    assert "\n" in text


CUSTOM = {
    "selectors": {
        "rows": "article.topic", "thread_id": "@data-topic", "title": "a.topic-link",
        "url": "a.topic-link", "author": ".meta .who", "created_at": ".meta .when",
        "last_post_at": ".last .when", "replies": ".answers", "views": ".seen", "tags": ".badge",
        "sticky": "xpath:self::*[has-class('pinned')]", "next_page": "a.next::attr(href)",
    }
}  # fmt: skip


@pytest.mark.parametrize(
    ("engine", "language", "version"),
    [
        ("mybb", "en", "2.2"), ("mybb", "fr", "2.2"), ("phpbb", "en", "2.2"),
        ("phpbb", "fr", "2.2"), ("xenforo", "en", "2.2"), ("xenforo", "fr", "2.3"),
        ("custom", "fr", "2.2"),
    ],
)  # fmt: skip
def test_demo_forum_pages_parse_back_to_their_content(
    engine: str, language: str, version: str
) -> None:
    forum = generate_forum(threads=45, now=NOW)
    section = forum.sections[0]
    modes = ForumModes(language=language, xenforo_version=version, per_page=10)
    site = ForumServer(forum, engine, modes)
    status, _, body = site.handle("GET", site.section_url(section.section_id), {}, {})
    assert status == 200
    html = body.decode("utf-8")
    order = "DMY" if language == "fr" else "MDY"
    options = CUSTOM if engine == "custom" else {}
    page = parse_thread_list(
        html, "http://127.0.0.1:1/", layout_for(engine, **options),
        DateResolver(forum.timezone, now=NOW, date_order=order),
    )  # fmt: skip
    expected = section.stickies() + section.page(1, 10)
    assert [t.thread_id for t in page.threads] == [str(t.thread_id) for t in expected]
    assert page.next_url is not None and page.next_url.startswith("http://127.0.0.1:1/")
    for parsed, truth in zip(page.threads, expected, strict=True):
        assert parsed.title.endswith(truth.title)
        assert parsed.author == truth.author and parsed.sticky == truth.sticky
        assert parsed.replies == truth.replies
        # relative displays are minute-precise; "N hours ago" only to the hour
        slack = timedelta(hours=1) if engine == "custom" else timedelta(minutes=1)
        assert parsed.last_post_at is not None
        assert abs(parsed.last_post_at - truth.last_post_at) <= slack
        if truth.prefix:  # phpBB has no prefixes: the demo types them into the title
            assert parsed.tags and truth.prefix.lower() in parsed.tags[0].lower()
        else:
            assert parsed.tags == []


XENFORO_POST = """<article class="message message--post js-post"><article class="message-body">
<div class="bbWrapper"><blockquote data-attributes="member: 311" data-quote="buyer_x"
  data-source="post: 901100" class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote
  js-expandWatch">
  <div class="bbCodeBlock-title"><a href="/goto/post?id=901100" class="bbCodeBlock-sourceJump"
    rel="nofollow" data-xf-click="attribution">buyer_x {said}</a></div>
  <div class="bbCodeBlock-content">
    <div class="bbCodeBlock-expandContent js-expandContent ">Any FR clinic with NIR?</div>
    <div class="bbCodeBlock-expandLink js-expandLink"><a role="button" tabindex="0"
      >{expand}</a></div>
  </div>
</blockquote>Yes: Clinique du Lac Bleu, 95,400 patients.<br />
<div class="bbCodeSpoiler">
  <button type="button" class="button bbCodeSpoiler-button" data-xf-click="toggle"
    title="Click to reveal or hide spoiler"><span class="button-text">
    <span class="bbCodeSpoiler-button-title">Spoiler: Sample rows</span></span></button>
  <div class="bbCodeSpoiler-content"><div class="bbCodeBlock bbCodeBlock--spoiler">
    <div class="bbCodeBlock-content">DUPONT;Marie;1984</div></div></div>
</div>
<div class="bbCodeSpoiler"><button type="button" class="button bbCodeSpoiler-button"><span
  class="button-text"><span>Spoiler</span></span></button><div class="bbCodeSpoiler-content">
  <div class="bbCodeBlock bbCodeBlock--spoiler"><div class="bbCodeBlock-content">XMR only</div>
  </div></div></div>
<div class="bbCodeBlock bbCodeBlock--code"><div class="bbCodeBlock-title">Code:</div>
  <div class="bbCodeBlock-content" dir="ltr"><pre class="bbCodeCode" data-xf-init="code-block"
  ><code>nir;nom;prenom</code></pre></div></div>
<div class="bbCodeBlock bbCodeBlock--hide"><div class="bbCodeBlock-title">Hidden content</div>
  <div class="bbCodeBlock-content">You must reply to see the hidden content.</div></div>
</div></article></article>"""

MYBB_POST = """<div class="post_body scaleimages" id="pid_9921">
Selling <span class="mycode_b">Clinique des Lilas</span>.<br />
<blockquote class="mycode_quote"><cite><span> (11-22-2026, 09:14 PM)</span>nomad Wrote: <a
  href="showthread.php?pid=9900#pid9900" class="quick_jump"></a></cite>need FR clinics</blockquote>
<div class="codeblock"><div class="title">Code:</div><div class="body" dir="ltr"><code
  >nir;nom;prenom</code></div></div><br />
<div class="spoiler"><div class="spoiler_title"><span class="spoiler_button" onclick="javascript:
  toggle(this); this.innerHTML='Hide Content';">Show Content</span></div><div
  class="spoiler_content" style="display: none;">DUPONT;Marie</div></div>
<div class="spoiler_header">Spoiler <a href="javascript:void(0);" onclick="spoiler(this)"
  >(Click to View)</a></div><div class="spoiler_body" style="display: none;">NIR sample</div>
Hidden Content: You must reply to see the hidden content.</div>"""

PHPBB_POST = """<div class="postbody"><div id="post_content5498"><div class="content">Export
complet du laboratoire.<br><blockquote cite="./viewtopic.php?p=5400#p5400"><div><cite><a
  href="./memberlist.php?mode=viewprofile&amp;u=88">acheteur_42</a> a écrit :</cite>Des NIR ?
</div></blockquote>Oui.<div class="codebox"><p>Code : <a href="#"
  onclick="selectCode(this); return false;">Tout sélectionner</a></p><pre><code>nir;nom;prenom
</code></pre></div>
<dl class="codebox"><dt>Code: <a href="#" onclick="selectCode(this); return false;">Select all</a>
  </dt><dd><code>SELECT * FROM patients</code></dd></dl>
<div class="codetitle"><b>Code:</b></div><div class="codecontent">dump.sql</div>
</div></div></div>"""


@pytest.mark.parametrize(
    ("said", "expand"), [("said:", "Click to expand..."), ("a dit :", "Cliquez pour agrandir...")]
)
def test_xenforo_first_post_without_interface_labels(said: str, expand: str) -> None:
    html = f"<html><body>{XENFORO_POST.format(said=said, expand=expand)}</body></html>"
    text = parse_first_post(html, layout_for("xenforo"))
    assert text is not None
    lines = text.splitlines()
    assert f"buyer_x {said}" in lines and "Any FR clinic with NIR?" in lines
    assert expand not in text and "Code:" not in lines and "Spoiler" not in lines
    assert "Sample rows" in lines  # the spoiler's own title is the author's
    assert {"DUPONT;Marie;1984", "XMR only", "nir;nom;prenom"} <= set(lines)
    assert "You must reply to see the hidden content." in lines


def test_mybb_first_post_without_code_titles_and_spoiler_toggles() -> None:
    text = parse_first_post(f"<html><body>{MYBB_POST}</body></html>", layout_for("mybb"))
    assert text is not None
    lines = text.splitlines()
    assert lines[0] == "Selling Clinique des Lilas."
    assert "(11-22-2026, 09:14 PM)nomad Wrote:" in lines and "need FR clinics" in lines
    assert "Code:" not in text and "nir;nom;prenom" in lines
    assert "Show Content" not in text and "Click to View" not in text
    assert {"DUPONT;Marie", "Spoiler", "NIR sample"} <= set(lines)
    assert "Hidden Content: You must reply to see the hidden content." in lines


def test_phpbb_first_post_without_code_box_headers() -> None:
    text = parse_first_post(f"<html><body>{PHPBB_POST}</body></html>", layout_for("phpbb"))
    assert text is not None
    lines = text.splitlines()
    assert "acheteur_42 a écrit :" in lines and "Des NIR ?" in lines and "Oui." in lines
    assert "sélectionner" not in text and "Select all" not in text and "Code" not in text
    assert {"nir;nom;prenom", "SELECT * FROM patients", "dump.sql"} <= set(lines)


def test_configured_post_chrome_and_the_default_controls() -> None:
    html = """<html><body><div class="msg">Vente <span class="tip">(astuce)</span> CHU
      <a href="#" onclick="voir()">Afficher</a> fin</div></body></html>"""
    selectors = {"rows": "tr", "url": "a", "first_post": "div.msg"}
    plain = parse_first_post(html, layout_for("custom", selectors))
    assert plain == "Vente (astuce) CHU fin"
    chrome = {**selectors, "post_chrome": "span.tip"}
    assert parse_first_post(html, layout_for("custom", chrome)) == ("Vente CHU Afficher fin")


@pytest.mark.parametrize(
    ("engine", "name", "first"),
    [
        ("mybb", "mybb_category_forumdisplay.html", "https://board.example/forum/forumdisplay.php?fid=4"),
        ("phpbb", "phpbb33_category_viewforum.html", "https://board.example/forum/viewforum.php?f=7"),
    ],
)  # fmt: skip
def test_a_category_page_lists_sub_forums(engine: str, name: str, first: str) -> None:
    page = parse(engine, name)
    assert page.threads == [] and not page.says_empty
    assert len(page.subforums) == 2 and page.subforums[0] == first
    notice = page.subforum_notice()
    assert notice is not None and "lists sub-forums, not threads" in notice
    assert first in notice and "configure a forum section URL" in notice


@pytest.mark.parametrize(
    ("engine", "html", "links"),
    [
        (
            "xenforo",
            """<div class="block block--category block--category1"><div class="block-body">
            <div class="node node--id5 node--depth2 node--forum node--unread">
            <div class="node-body">
            <div class="node-main js-nodeMain"><h3 class="node-title"><a href="/forums/fuites.5/"
            data-shortcut="node-description">Fuites</a></h3></div><div class="node-extra"><a
            href="/threads/ehpad.7741/post-2" class="node-extra-title">EHPAD</a></div></div></div>
            <div class="node node--id9 node--depth2 node--link"><div class="node-body"><h3
            class="node-title"><a href="https://elsewhere.example/">Partner</a></h3></div></div>
            </div></div>""",
            ["https://board.example/forums/fuites.5/"],
        ),
        (
            "phpbb",
            """<table class="tablebg"><tr><td class="row1"><a class="forumlink"
            href="./viewforum.php?f=3&amp;sid=0a1b">Ventes</a></td></tr></table>""",
            ["https://board.example/forum/viewforum.php?f=3"],
        ),
        ("mybb", "<p>theme change</p>", []),
    ],
)
def test_sub_forum_links_by_engine(engine: str, html: str, links: list[str]) -> None:
    page = parse_thread_list(
        f"<html><body>{html}</body></html>", BASE, layout_for(engine), DateResolver(now=NOW)
    )
    assert page.subforums == links
    assert (page.subforum_notice() is None) is (not links)


def test_sub_forums_are_not_read_on_a_page_with_threads() -> None:
    category = (FIXTURES / "mybb_category_forumdisplay.html").read_text(encoding="utf-8")
    listing = (FIXTURES / "mybb_default_forumdisplay.html").read_text(encoding="utf-8")
    both = listing.replace("<body>", "<body>" + category.split("<body>")[1].split("</body>")[0])
    page = parse_thread_list(both, BASE, layout_for("mybb"), DateResolver(now=NOW))
    assert len(page.threads) == 5 and page.subforums == [] and page.subforum_notice() is None


@pytest.mark.parametrize("engine", ["mybb", "phpbb", "xenforo"])
def test_demo_board_index_lists_its_sections(engine: str) -> None:
    forum = generate_forum(threads=6, now=NOW)
    site = ForumServer(forum, engine, ForumModes())
    status, _, body = site.handle("GET", "/index.php", {}, {})
    assert status == 200
    page = parse_thread_list(
        body.decode("utf-8"), "http://127.0.0.1:1/index.php", layout_for(engine),
        DateResolver(now=NOW),
    )  # fmt: skip
    assert page.threads == [] and not page.says_empty
    # the server is not started: its URLs are paths
    assert page.subforums == [f"http://127.0.0.1:1{site.section_url(s.section_id)}"
                              for s in forum.sections]  # fmt: skip
