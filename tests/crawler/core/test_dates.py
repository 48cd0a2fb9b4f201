"""Forum dates: absolute, relative, English and French, resolved in the forum's timezone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.core.dates import DateResolver, parse_clock

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Paris (UTC+1 in November)


@pytest.fixture
def paris() -> DateResolver:
    return DateResolver("Europe/Paris", now=NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Today, 08:50 AM", datetime(2026, 11, 23, 7, 50, tzinfo=UTC)),
        ("Hier à 21:14", datetime(2026, 11, 22, 20, 14, tzinfo=UTC)),
        ("il y a 5 minutes", datetime(2026, 11, 23, 8, 55, tzinfo=UTC)),
        ("2 hours ago", datetime(2026, 11, 23, 7, 0, tzinfo=UTC)),
        ("Yesterday", datetime(2026, 11, 21, 23, 0, tzinfo=UTC)),
        ("Aujourd'hui", datetime(2026, 11, 22, 23, 0, tzinfo=UTC)),
        ("Aujourd’hui, 08:50", datetime(2026, 11, 23, 7, 50, tzinfo=UTC)),
        ("Aujourd'hui à 08h50", datetime(2026, 11, 23, 7, 50, tzinfo=UTC)),
        ("Today at 9:02 AM", datetime(2026, 11, 23, 8, 2, tzinfo=UTC)),
        ("Yesterday, 07:44 PM", datetime(2026, 11, 22, 18, 44, tzinfo=UTC)),
        ("A moment ago", NOW),
        ("Less than 1 minute ago", NOW),
        ("il y a moins d’une minute", NOW),
        ("Il y a un instant", NOW),
        ("5 mins ago", datetime(2026, 11, 23, 8, 55, tzinfo=UTC)),
        ("1 hour ago", datetime(2026, 11, 23, 8, 0, tzinfo=UTC)),
        ("il y a 3 jours", datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),
        # two calendar months back crosses the DST change: 10:00 CEST is 08:00 UTC
        ("il y a 2 mois", datetime(2026, 9, 23, 8, 0, tzinfo=UTC)),
        ("08-21-2026, 09:10 AM", datetime(2026, 8, 21, 7, 10, tzinfo=UTC)),
        ("Tue Mar 16, 2010 1:23 pm", datetime(2010, 3, 16, 12, 23, tzinfo=UTC)),
        ("Mar 21, 2018 at 5:48 PM", datetime(2018, 3, 21, 16, 48, tzinfo=UTC)),
        ("sam. 16 mars 2024 13:23", datetime(2024, 3, 16, 12, 23, tzinfo=UTC)),
        ("16 mars 2024 à 13:23", datetime(2024, 3, 16, 12, 23, tzinfo=UTC)),
        ("Monday at 4:12 PM", datetime(2026, 11, 16, 15, 12, tzinfo=UTC)),
        ("23-11-2026, 21:14", datetime(2026, 11, 23, 20, 14, tzinfo=UTC)),
        ("1795420200", datetime(2026, 11, 23, 7, 50, tzinfo=UTC)),
        ("2022-07-30T11:07:30-0400", datetime(2022, 7, 30, 15, 7, 30, tzinfo=UTC)),
        ("2026-11-23T07:50:00+00:00", datetime(2026, 11, 23, 7, 50, tzinfo=UTC)),
    ],
)
def test_display_dates_resolve_in_the_forum_timezone(
    paris: DateResolver, text: str, expected: datetime
) -> None:
    parsed = paris.parse(text)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo == UTC


@pytest.mark.parametrize("text", ["", "   ", "by admin", "Last Post: bob", "Replies", None])
def test_non_dates_are_none(paris: DateResolver, text: str | None) -> None:
    assert paris.parse(text) is None


def test_date_order_settles_ambiguous_numeric_dates() -> None:
    american = DateResolver("UTC", now=NOW, date_order="MDY")
    french = DateResolver("UTC", now=NOW, date_order="DMY")
    assert american.parse("03-04-2026, 10:00") == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert french.parse("03-04-2026, 10:00") == datetime(2026, 4, 3, 10, 0, tzinfo=UTC)
    assert american.parse("23-11-2026") == datetime(2026, 11, 23, tzinfo=UTC)


def test_machine_dates() -> None:
    resolver = DateResolver("Europe/Paris", now=NOW)
    assert resolver.from_timestamp("1795420200") == datetime(2026, 11, 23, 7, 50, tzinfo=UTC)
    assert resolver.from_timestamp("9:02 AM") is None
    assert resolver.from_timestamp("") is None
    assert resolver.from_iso("2026-11-23T08:50:00+0100") == datetime(
        2026, 11, 23, 7, 50, tzinfo=UTC
    )
    assert resolver.from_iso("2026-11-23 08:50") == datetime(2026, 11, 23, 7, 50, tzinfo=UTC)
    assert resolver.from_iso("Today") is None


def test_relative_dates_follow_the_injected_now() -> None:
    later = DateResolver("UTC", now=datetime(2026, 11, 24, 0, 30, tzinfo=UTC))
    assert later.parse("Today, 00:10") == datetime(2026, 11, 24, 0, 10, tzinfo=UTC)
    assert later.parse("Yesterday, 11:50 PM") == datetime(2026, 11, 23, 23, 50, tzinfo=UTC)


def test_a_later_page_shares_absolute_dates_but_not_relative_ones() -> None:
    crawl = DateResolver("Europe/Paris", now=NOW, date_order="DMY")
    first = crawl.at(NOW)
    later = crawl.at(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # the next day
    assert first.parse("23-11-2026, 21:14") == datetime(2026, 11, 23, 20, 14, tzinfo=UTC)
    assert later.parse("23-11-2026, 21:14") == datetime(2026, 11, 23, 20, 14, tzinfo=UTC)
    assert "23-11-2026, 21:14" in crawl.at(NOW)._fixed  # read once for the whole crawl
    for text, on_first, on_later in [
        ("Today, 08:50 AM", datetime(2026, 11, 23, 7, 50), datetime(2026, 11, 24, 7, 50)),
        ("Hier à 21:14", datetime(2026, 11, 22, 20, 14), datetime(2026, 11, 23, 20, 14)),
        ("il y a 5 minutes", datetime(2026, 11, 23, 8, 55), datetime(2026, 11, 24, 8, 55)),
        ("2 hours ago", datetime(2026, 11, 23, 7, 0), datetime(2026, 11, 24, 7, 0)),
        ("Monday at 4:12 PM", datetime(2026, 11, 16, 15, 12), datetime(2026, 11, 23, 15, 12)),
    ]:
        assert first.parse(text) == on_first.replace(tzinfo=UTC), text
        assert later.parse(text) == on_later.replace(tzinfo=UTC), text
        assert text.lower() not in crawl._fixed


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        DateResolver("Mars/Olympus")
    with pytest.raises(ValueError, match="date_order"):
        DateResolver("UTC", date_order="MD")
    with pytest.raises(ValueError, match="aware"):
        DateResolver("UTC", now=datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("08:50 AM", (8, 50)), ("12:05 am", (0, 5)), ("8:50pm", (20, 50)), ("21h14", (21, 14))],
)
def test_clock(text: str, expected: tuple[int, int]) -> None:
    clock = parse_clock(text)
    assert clock is not None and (clock.hour, clock.minute) == expected


def test_clock_rejects_nonsense() -> None:
    assert parse_clock("25:00") is None
    assert parse_clock("soon") is None
