"""How urgent a hit is: the one severity rule, shared by storage, alert routing and digests."""

from __future__ import annotations

from crawler.core.listing import RansomwareListing
from crawler.core.records import Claims

SEVERITY_ORDER = ("low", "medium", "high", "critical")
#: Data types that make a sale post about a named establishment critical.
HEALTH_DATA_TYPES = frozenset(
    {"nir", "carte_vitale", "mutuelle", "prescriptions", "medical_records", "birth_date"}
)
#: Entity kinds that hold patients' data: critical when listed or sold with health data.
#: ``occupational``: occupational-health services keep the medical files of the employees
#: they follow.
HEALTH_TARGETS = frozenset({"establishment", "group", "lab", "insurer", "occupational"})
#: Sale score from which a post counts as a sale post.
SALE_THRESHOLD = 0.5
#: The severity of a possible hit (a name an analyst must tie to one entity). It is no step of
#: SEVERITY_ORDER: a possible hit is never routed as a hit, only summarised in review digests.
REVIEW = "review"


def severity_of(
    entity_kind: str,
    sale_score: float,
    claim: Claims,
    score: float,
    listing: RansomwareListing | None = None,
) -> str:
    """How urgent a hit is.

    critical: a ransomware group's victim listing (``listing``: a leak-site post, a victim-list
    feed entry) naming an establishment, group, lab, insurer or occupational-health service,
    whatever its wording, or a sale post naming one and claiming health data or a record count;
    high: any listing or sale post naming a watched entity; medium: a weaker sale signal or a
    confident match; low: chatter.
    """
    health_target = entity_kind in HEALTH_TARGETS
    if listing is not None:
        return "critical" if health_target else "high"
    claims_data = bool(HEALTH_DATA_TYPES & set(claim.data_types)) or bool(claim.records)
    if sale_score >= SALE_THRESHOLD:
        return "critical" if health_target and claims_data else "high"
    if sale_score >= SALE_THRESHOLD / 2 or score >= 0.9:
        return "medium"
    return "low"
