"""What one run stored without alerting: the items older than its source's ``alert_max_age_days``.

A feed holding years of history, a new forum section or a Telegram backfill would page the
analyst for every old victim; those items are stored and matched but queue no alert. The run
says so once, in one line, to the log and to the operations channels
(``source.history_quiet``); :meth:`QuietHistory.sentence` is that line, the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class QuietHistory:
    """One run's quiet history.

    ``older_items``: new posts published before ``cutoff``; ``named_entities``: the older posts
    whose new hits (or possible hits) queued no alert; ``quiet_hits``/``quiet_possible_hits``:
    those hits; ``newest_quiet``: the newest publication time among the older posts;
    ``alerted_hits``: hits of the run on newer posts (they alert as usual).
    """

    older_items: int
    named_entities: int
    quiet_hits: int
    quiet_possible_hits: int
    newest_quiet: datetime | None
    alert_max_age_days: float
    cutoff: datetime | None
    alerted_hits: int

    @property
    def is_empty(self) -> bool:
        """True when nothing entered quietly: no line is due."""
        return not (self.older_items or self.named_entities)

    def sentence(self, source_name: str) -> str:
        """The plain-text summary line (not escaped: each channel escapes for its markup)."""
        line = f"{source_name}: {self.older_items:,} older item(s) entered the history quietly"
        if self.named_entities:
            line += f", {self.named_entities:,} of them naming watched entities"
            withheld = [f"{self.quiet_hits:,} hit(s)"] if self.quiet_hits else []
            if self.quiet_possible_hits:
                withheld.append(f"{self.quiet_possible_hits:,} possible hit(s)")
            if withheld:
                line += f" ({' and '.join(withheld)} stored without alert)"
        else:
            line += ", none of them naming a watched entity"
        if self.newest_quiet is not None:
            line += f"; newest published {self.newest_quiet.astimezone(UTC):%Y-%m-%d}"
        line += (
            f"; items of the last {self.alert_max_age_days:g} day(s) alert as usual "
            f"({self.alerted_hits:,} newer hit(s) this run)."
        )
        return line
