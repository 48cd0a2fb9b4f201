"""MyBB 1.8 (and BreachForums-style clones): selectors read from MyBB's own templates.

``forumdisplay_thread`` renders one ``<tr class="inline_row">`` per thread: the subject link in
``<span class="subject_new|subject_old" id="tid_N">``, the prefix just before that span, the
starter in ``.author``, ``.thread_start_datetime``, a "who posted" link holding the reply count,
the views cell after it and ``.lastpost``. Sticky rows carry ``forumdisplay_sticky`` (older themes
only sit under the "Important Threads" separator). Dates are ``my_date('relative')`` output.
"""

from __future__ import annotations

from spiders.forums.parsers.layout import UI_CONTROLS, ListingLayout

_TID = "starts-with(@id,'tid_')"
# 1.8.13+ links misc.php?action=whoposted (onclick MyBB.whoPosted); 1.8.0-1.8.12 has only
# href="javascript:MyBB.whoPosted(N);".
_WHO_POSTED = (
    "a[contains(@href,'whoposted') or contains(@href,'whoPosted')"
    " or contains(@onclick,'whoPosted')]"
)
_NUMERIC_CELL = (
    "td[string-length(normalize-space(.))>0][translate(normalize-space(.),'0123456789,. ','')='']"
)
# Themes without the forumdisplay_sticky/regular cell classes: the row is sticky when the
# separator row above it is "Important Threads".
_STICKY_SEPARATOR = (
    "self::*[not(td[contains(@class, 'forumdisplay_')])]"
    "/preceding-sibling::tr[td[has-class('trow_sep')]][1]"
    "[contains(translate(.,'IMPORTANSTICKYÉPINGL','importanstickyépingl'),'important')"
    " or contains(translate(.,'STICKY','sticky'),'sticky')"
    " or contains(translate(.,'ÉPINGL','épingl'),'épingl')]"
)

MYBB = ListingLayout(
    rows=(
        "tr.inline_row",
        "xpath://*[has-class('inline_row')]",
        f"xpath://*[{_TID}]/ancestor::*[self::tr or self::li or has-class('row')][1]",
    ),
    thread_id=(
        (f".//*[{_TID}]/@id", r"tid_(\d+)"),
        (f".//{_WHO_POSTED}/@href", r"(?:tid=|whoPosted\()(\d+)"),
        (f".//{_WHO_POSTED}/@onclick", r"whoPosted\((\d+)"),
        (".//input[starts-with(@name,'inlinemod_')]/@name", r"inlinemod_(\d+)"),
        (".//a[contains(@href,'showthread.php')]/@href", r"tid=(\d+)"),
        (".//a/@href", r"thread-(\d+)(?:-|\.html)"),
    ),
    title=(
        f"xpath:.//*[{_TID}]//a[1]",
        "xpath:.//span[starts-with(@class,'subject_')]//a[1]",
        "xpath:.//a[contains(@href,'showthread.php')][1]",
    ),
    url=(
        f"xpath:.//*[{_TID}]//a[1]",
        "xpath:.//span[starts-with(@class,'subject_')]//a[1]",
        "xpath:.//a[contains(@href,'showthread.php')][1]",
    ),
    author=("xpath:.//*[has-class('author')]", "xpath:.//*[has-class('thread_author')]"),
    created_at=(
        "xpath:.//*[has-class('thread_start_datetime')]",
        "xpath:.//*[has-class('thread_start_date')]",
        # themes of MyBB clones ("forum-display__thread-date")
        "xpath:.//*[contains(@class,'thread-date') or contains(@class,'thread_date')]",
    ),
    last_post_at=("xpath:.//*[has-class('lastpost')]", "xpath:./td[last()]"),
    replies=(f"xpath:.//{_WHO_POSTED}", f"xpath:(./{_NUMERIC_CELL})[1]"),
    views=(
        f"xpath:.//{_WHO_POSTED}/ancestor::td[1]/following-sibling::td[1]",
        f"xpath:(./{_NUMERIC_CELL})[2]",
    ),
    tags=(
        f"xpath:.//*[{_TID}]/preceding-sibling::node()[not(self::comment() or self::a[.//img])]"
        "[normalize-space()]",
        f"xpath:.//*[{_TID}]/a/preceding-sibling::*[normalize-space()]",
    ),
    sticky=(
        "xpath:./td[has-class('forumdisplay_sticky')]",
        "xpath:self::*[has-class('forumdisplay_sticky')]",
        f"xpath:{_STICKY_SEPARATOR}",
    ),
    next_page=(
        "a.pagination_next::attr(href)",
        "link[rel=next]::attr(href)",
        "a[rel=next]::attr(href)",
        # themes that drop the "Next" link: the page number after the current one
        "xpath:(//*[has-class('pagination_current')])[1]/following-sibling::a[1]"
        "[translate(normalize-space(.),'0123456789','')='']/@href",
    ),
    section=(
        "xpath://td[has-class('thead')]/div[not(has-class('float_right'))]/strong",
        "xpath://*[has-class('navigation')]//*[has-class('active')]",
    ),
    first_post=(
        "xpath:(//*[has-class('post_body')])[1]",
        "xpath:(//div[starts-with(@id,'pid_')])[1]",
    ),
    # forumbit_depth2_forum rows (status icon: span.forum_status in 1.8, img#mark_read_N in 1.6),
    # then any forum link of a tborder table (forumdisplay_subforums, clone themes)
    subforums=(
        "xpath://tr[td/*[has-class('forum_status') or starts-with(@id,'mark_read_')]]"
        "/td/strong/a[@href]",
        "xpath://table[has-class('tborder')]//tr/td/strong/a[contains(@href,'forumdisplay.php')"
        " or starts-with(@href,'Forum-') or contains(@href,'/Forum-')]",
    ),
    # mycode_code / mycode_php: <div class="codeblock"><div class="title">Code:</div>…;
    # spoiler plugins' "Show"/"Hide" toggles are scripted links or buttons
    post_chrome=("xpath:.//div[has-class('codeblock')]/div[has-class('title')]", UI_CONTROLS),
    # "Poll:" and "Moved:" are statuses MyBB writes before the subject, not prefixes.
    ignored_tags=r"(poll|sondage|moved|déplacé)\s*:?",
)
