"""Times as people read them: in the installation's zone, with its label.

Stored times are aware UTC; the web UI and the CLI show them in ``display_timezone`` (default
Europe/Paris) with the zone's abbreviation, so "09:50 CET" can never be taken for UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def shown_time(value: datetime | None, zone: tzinfo = UTC) -> str:
    """``YYYY-MM-DD HH:MM <zone label>`` of ``value`` in ``zone`` (naive values are UTC);
    empty for None."""
    if value is None:
        return ""
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".rstrip()
