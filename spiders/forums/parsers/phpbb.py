"""phpBB 3.x, prosilver and its derivatives: selectors read from ``viewforum_body.html``.

Each topic is an ``<li class="row bg1 [sticky|announce|global-announce]">`` in
``ul.topiclist.topics``, with ``a.topictitle``, the starter and ``<time datetime>`` (3.1+) in
``div.topic-poster``, ``dd.posts``, ``dd.views`` and ``dd.lastpost``. phpBB 3.0 has no ``<time>``:
the date follows "»" in the ``dt``, or a ``<br>`` in the last-post cell. subsilver2 lays topics
out as table rows (``a.topictitle``, ``p.topicauthor``, number cells). Links carry ``sid``.
A starter without a profile link (guest, deleted user) is a ``span.username`` or
``span.username-coloured`` (3.1+; 3.1 puts it in ``div.responsive-hide``), or, for a 3.0 guest,
the bare name before "»".
"""

from __future__ import annotations

from spiders.forums.parsers.layout import UI_CONTROLS, ListingLayout

_USERNAME = (
    "a[has-class('username') or has-class('username-coloured')"
    " or contains(@href,'mode=viewprofile')]"
)
# get_username_string('full') without a profile link (guests, deleted users, a viewer who may
# not see profiles): <span class="username"> (3.1+) or <span class="username-coloured">.
_USERNAME_OR_SPAN = (
    "*[self::a or self::span][has-class('username') or has-class('username-coloured')"
    " or contains(@href,'mode=viewprofile')]"
)
# phpBB 3.0 prints a plain guest's name bare: "by Anonyme 42 » Sun Nov 22…" in the dt. The
# text node holding "»" then has a word before the name; after a linked name it starts at "»".
_BARE_STARTER = (
    "substring-after(normalize-space(substring-before((./dl/dt/text()[contains(., '»')]"
    "[contains(normalize-space(substring-before(., '»')), ' ')])[1], '»')), ' ')"
)
_STICKY_ROW = (
    "self::*[has-class('sticky') or has-class('announce') or has-class('global-announce')]"
)
_STICKY_ICON = (
    "./dl[contains(@class,'sticky_') or contains(@class,'announce_') or contains(@class,'global_')]"
)
# subsilver2 (table rows): replies and views are the first two cells holding only a number.
_NUMERIC_CELL = (
    "td[string-length(normalize-space(.))>0][translate(normalize-space(.),'0123456789,. ','')='']"
)
_NEXT_WORDS = (
    "normalize-space(.)='Next' or normalize-space(.)='Suivante' or normalize-space(.)='Suivant'"
)

PHPBB = ListingLayout(
    rows=(
        "ul.topiclist.topics > li.row",
        "xpath://li[has-class('row')][.//a[has-class('topictitle')]]",
        "xpath://tr[.//a[has-class('topictitle')]]",
        # styles that keep a.topictitle but not the li.row / table markup
        "xpath://a[has-class('topictitle')]/ancestor::*[self::li or self::dl or self::div][1]",
    ),
    thread_id=(
        (".//a[has-class('topictitle')]/@href", r"[?&;]t=(\d+)"),
        (".//a[has-class('topictitle')]/@href", r"(?:-t|topic)(\d+)(?:\.html|/|-|$)"),
    ),
    title=("xpath:.//a[has-class('topictitle')]",),
    url=("xpath:.//a[has-class('topictitle')]",),
    author=(
        f"xpath:.//*[has-class('topic-poster')]//{_USERNAME}",
        "xpath:.//*[has-class('topic-poster')]//span[has-class('username')"
        " or has-class('username-coloured')]",
        # 3.0 and 3.1 rows: the first name in the dt that is not the hidden last poster
        f"xpath:(.//dt//{_USERNAME_OR_SPAN}[not(ancestor::*[has-class('responsive-show')])])[1]",
        f"xpath:{_BARE_STARTER}",
        "xpath:.//*[has-class('topicauthor')]",
    ),
    created_at=(
        "xpath:.//*[has-class('topic-poster')]//time",
        "xpath:.//*[has-class('topic-poster')]",
        "xpath:(.//dt/text()[contains(., '»')])[last()]",
        "xpath:.//a[has-class('topictitle')]/@title",
    ),
    last_post_at=(
        "xpath:.//dd[has-class('lastpost')]//time",
        "xpath:(.//dd[has-class('lastpost')]/span/text()[normalize-space()])[last()]",
        "xpath:.//*[has-class('lastpost')]",
        "xpath:./td[last()]",
    ),
    replies=(
        "xpath:.//dd[has-class('posts')]",
        "xpath:.//td[has-class('posts')]",
        f"xpath:(./{_NUMERIC_CELL})[1]",
    ),
    views=(
        "xpath:.//dd[has-class('views')]",
        "xpath:.//td[has-class('views')]",
        f"xpath:(./{_NUMERIC_CELL})[2]",
    ),
    tags=("xpath:.//*[has-class('topic-prefix') or has-class('topic_prefix')]",),
    sticky=(
        f"xpath:{_STICKY_ROW}",
        f"xpath:{_STICKY_ICON}",
        "xpath:./td/img[contains(@src, 'sticky_') or contains(@src, 'announce_')]",
    ),
    next_page=(
        "li.next a::attr(href)",
        "a[rel=next]::attr(href)",
        f"xpath:(//*[has-class('pagination')]//a[{_NEXT_WORDS}])[1]/@href",
        f"xpath:(//a[{_NEXT_WORDS}])[1]/@href",
    ),
    section=("h2.forum-title a", "h2.forum-title", "xpath:(//h2)[1]"),
    first_post=(
        "xpath:(//div[has-class('postbody')])[1]//div[has-class('content')]",
        "xpath:(//div[has-class('content')])[1]",
        "xpath:(//div[has-class('postbody')])[1]",  # subsilver2: the post text itself
    ),
    # forumlist_body.html: a.forumtitle in ul.topiclist.forums (prosilver), a.forumlink
    # (subsilver2)
    subforums=(
        "xpath://ul[has-class('forums')]//a[has-class('forumtitle')]",
        "xpath://a[has-class('forumtitle') or has-class('forumlink')]",
    ),
    # bbcode.html code_open: "Code: Select all" in div.codebox > p (3.1+), dl.codebox > dt
    # (prosilver 3.0), div.codetitle (subsilver2)
    post_chrome=(
        "xpath:.//div[has-class('codebox')]/p",
        "xpath:.//dl[has-class('codebox')]/dt",
        "xpath:.//div[has-class('codetitle')]",
        UI_CONTROLS,
    ),
)
