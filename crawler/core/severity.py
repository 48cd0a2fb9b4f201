"""How urgent a hit is: the one severity rule, shared by storage, alert routing and digests."""

from __future__ import annotations

from crawler.core.records import Claims

SEVERITY_ORDER = ("low", "medium", "high", "critical")
#: Data types that make a sale post about a named establishment critical.
HEALTH_DATA_TYPES = frozenset(
    {"nir", "carte_vitale", "mutuelle", "prescriptions", "medical_records", "birth_date"}
)
#: Sale score from which a post counts as a sale post.
SALE_THRESHOLD = 0.5


def severity_of(
    entity_kind: str, sale_score: float, claim: Claims, source_kind: str, score: float
) -> str:
    """How urgent a hit is.

    critical: a sale post (or a ransomware leak-site listing) naming an establishment, lab or
    group and claiming health data or a record count; high: any sale post or leak-site listing
    naming a watched entity; medium: a weaker sale signal or a confident match; low: chatter.
    """
    health_target = entity_kind in ("establishment", "group", "lab", "insurer")
    claims_data = bool(HEALTH_DATA_TYPES & set(claim.data_types)) or bool(claim.records)
    if source_kind == "leaksite":
        return "critical" if health_target else "high"
    if sale_score >= SALE_THRESHOLD:
        return "critical" if health_target and claims_data else "high"
    if sale_score >= SALE_THRESHOLD / 2 or score >= 0.9:
        return "medium"
    return "low"
