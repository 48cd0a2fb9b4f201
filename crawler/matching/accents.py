"""Accents of official names: FINESS writes names in capitals without accents ("HOPITAL FOCH"),
so the watchlist's readable names lost them ("Hopital Foch"). The common words of health
establishments' names get them back for display ("Hôpital Foch", "Résidence la Vallée").

Only words whose unaccented form has one reading in these names are listed; places and other
proper names, where a wrong accent would be worse than none, are left alone (first names
always written with their accent excepted). Matching never needs this: it folds accents away.
"""

from __future__ import annotations

import re
import unicodedata

#: The accented words, as written in running text (spaces between).
_WORDS = """
    âge âgé âgée âgées âgés cèdres château châteaux cœur côte collectivité coopérative
    départemental départementale départementaux éducatif éducative éducatifs école écoles
    équipe établissement établissements études évangélique éveil fédération général générale
    généraux gériatrique gérontologique handicapés hébergement hôpital hôpitaux hôtel île
    juvénile médecine médical médicale médicaux médico ménagère ménagères mutualité oxygène
    pédiatrique périnatal périnatale pôle pré prévention privé privée privés proximité
    réadaptation rééducation régional régionale régionaux résidence résidences santé sécurité
    séjour siège société spécialisé spécialisée spécialisés thérapeutique unité unités vallée
    André François Étienne Hélène Thérèse Geneviève Jérôme Gérard René Léon Cécile Céline
"""
_WORD = re.compile(r"[^\W\d_]+")


def unaccented(word: str) -> str:
    """``word`` in lower case without accents ("Cœur" → "coeur")."""
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("œ", "oe"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


#: Unaccented lower-case word → its accented lower-case form.
ACCENTED: dict[str, str] = {unaccented(word): word.lower() for word in _WORDS.split()}


def with_accents(name: str) -> str:
    """``name`` with the accents of its common words restored, case kept ("HOPITAL" stays in
    capitals: "HÔPITAL"); words already accented or unknown are unchanged."""
    return _WORD.sub(_accent, name)


def _accent(match: re.Match[str]) -> str:
    word = match.group(0)
    accented = ACCENTED.get(word.lower())
    if accented is None:
        return word
    if word.isupper() and len(word) > 1:
        return accented.upper()
    if word[0].isupper():
        return accented[0].upper() + accented[1:]
    return accented
