"""XenForo 2.x: selectors read from the ``thread_list_macros`` template output.

Each thread is a ``div.structItem--thread`` whose class names the id
(``js-threadListItem-N``) and whose ``data-author`` names the starter. Prefixes are ``.label``
spans in ``.structItem-title``; stickies sit in ``structItemContainer-group--sticky`` with a
``structItem-status--sticky`` icon; ``dl.pairs`` hold replies then views. Dates are
``<time class="u-dt">`` with an epoch: ``data-time`` up to 2.2, ``data-timestamp`` from 2.3 (where
``data-time`` became the clock text), and ``datetime`` in ISO 8601 in every version.
"""

from __future__ import annotations

from spiders.forums.parsers.layout import UI_CONTROLS, ListingLayout

_THREAD_HREF = r"threads/(?:[^/?#]*\.)?(\d+)/?"
_TITLE_LINK = (
    "xpath:.//div[has-class('structItem-title')]/a[@data-tp-primary]",
    "xpath:.//div[has-class('structItem-title')]/a[not(has-class('labelLink'))][last()]",
)
_LOWER = (
    "translate(normalize-space(dt),'ABCDEFGHIJKLMNOPQRSTUVWXYZÉ','abcdefghijklmnopqrstuvwxyzé')"
)

XENFORO = ListingLayout(
    rows=(
        "div.structItem--thread",
        "xpath://div[has-class('structItem')][contains(@class,'js-threadListItem-')]",
    ),
    thread_id=(
        ("@class", r"js-threadListItem-(\d+)"),
        (".//div[has-class('structItem-title')]/a[@data-tp-primary]/@href", _THREAD_HREF),
        (".//div[has-class('structItem-title')]/a/@href", _THREAD_HREF),
    ),
    title=_TITLE_LINK,
    url=_TITLE_LINK,
    author=(
        "xpath:.//ul[has-class('structItem-parts')]//*[has-class('username')]",
        "@data-author",
    ),
    created_at=(
        # an element name first: lxml tests names natively, class predicates one node at a time
        "xpath:.//li[has-class('structItem-startDate')]//time",
        "xpath:.//*[has-class('structItem-startDate')]//time",
        "xpath:.//*[has-class('structItem-startDate')]",
    ),
    last_post_at=(
        "xpath:.//time[has-class('structItem-latestDate')]",
        "xpath:.//*[has-class('structItem-latestDate')]",
        "xpath:.//div[has-class('structItem-cell--latest')]//time",
    ),
    replies=(
        f"xpath:.//dl[contains({_LOWER},'repl') or contains({_LOWER},'répons')]/dd",
        "xpath:.//div[has-class('structItem-cell--meta')]/dl[1]/dd",
    ),
    views=(
        f"xpath:.//dl[contains({_LOWER},'view') or contains({_LOWER},'affich')"
        f" or contains({_LOWER},'vue')]/dd",
        "xpath:.//div[has-class('structItem-cell--meta')]/dl[2]/dd",
    ),
    tags=("xpath:.//div[has-class('structItem-title')]//span[has-class('label')]",),
    sticky=(
        # <i> in 2.0-2.3 (fa icons too); name tests keep non-sticky rows cheap
        "xpath:.//i[has-class('structItem-status--sticky')]",
        "xpath:.//span[has-class('structItem-status--sticky')]",
        "xpath:ancestor::*[has-class('structItemContainer-group--sticky')]",
    ),
    next_page=("a.pageNav-jump--next::attr(href)", "link[rel=next]::attr(href)"),
    section=("h1.p-title-value",),
    first_post=(
        "xpath:(//article[has-class('message--post')])[1]//div[has-class('bbWrapper')]",
        "xpath:(//div[has-class('bbWrapper')])[1]",
    ),
    # node_list_forum (and search forums) on a category or the index; XenForo 1: li.node.forum
    subforums=(
        "xpath://div[has-class('node--forum') or has-class('node--search')]"
        "//h3[has-class('node-title')]/a[@href]",
        "xpath://li[has-class('node') and has-class('forum')]//h3[has-class('nodeTitle')]/a[@href]",
    ),
    # bb_code_tag_quote's "Click to expand..." / "Click to shrink..." links, the spoiler
    # toggle (its title is kept) and the "Code:" header of bb_code_tag_code
    post_chrome=(
        "xpath:.//div[has-class('bbCodeBlock-expandLink') or has-class('bbCodeBlock-shrinkLink')]",
        "xpath:.//*[has-class('bbCodeSpoiler-button')]",
        "xpath:.//*[has-class('bbCodeBlock--code')]/*[has-class('bbCodeBlock-title')]",
        UI_CONTROLS,
    ),
    drop_url_suffixes=("unread", "latest"),
)
