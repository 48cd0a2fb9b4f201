"""Triage: the states an analyst gives a hit, and the status they make of its incident.

A hit goes from ``new`` to ``confirmed`` (a real leak of this entity) or ``false_positive``
(not this entity, not a leak), and from either to ``handled`` (the entity was told, the case is
closed). An incident has the same lifecycle, driven by the triage of its hits
(:func:`incident_status`); nobody sets it by hand.
"""

from __future__ import annotations

from collections.abc import Iterable

TRIAGE_STATUSES = ("new", "confirmed", "false_positive", "handled")
#: An incident's statuses: the hits' ones, in lifecycle order.
INCIDENT_STATUSES = TRIAGE_STATUSES


def incident_status(hit_statuses: Iterable[str]) -> str:
    """The status of an incident whose hits have these triage statuses.

    False positives do not count, unless every hit is one: then the incident is
    ``false_positive``. Of the other hits, when all are ``handled`` the incident is
    ``handled``; when some are ``confirmed`` or ``handled`` (a new repost of a handled case
    reopens it) it is ``confirmed``; when none has been triaged it is ``new``. An incident
    without hits is ``new``.
    """
    statuses = list(hit_statuses)
    if statuses and all(status == "false_positive" for status in statuses):
        return "false_positive"
    real = [status for status in statuses if status != "false_positive"]
    if real and all(status == "handled" for status in real):
        return "handled"
    if any(status in ("confirmed", "handled") for status in real):
        return "confirmed"
    return "new"
