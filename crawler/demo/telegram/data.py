"""Synthetic Telegram channels for the demo preview site: chatter and sale re-announcements.

Everything here is invented (channel names, sellers, counts, prices); the establishments named
in sale posts are real French health establishment names, so that the matcher finds them.
Messages are kept oldest first, as a channel's ids grow.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

#: The demo's default channel and its sale posts (re-announced as such channels do).
DEFAULT_CHANNEL = "leakmarketfr"
SALE_POSTS = (
    "🔥 Vente base patients Clinique Sainte-Isabelle / HP Thiais 758k lignes, Mediboard, "
    "15k USDT\nnom, prénom, date de naissance, n° Vitale, mutuelle\nEscrow ok, échantillon en "
    "PM @mediseller",
    "RE-UP ⚠️ dump CHU de Rennes 1,2M dossiers patients (NIR + adresses), 8k USDT\n"
    "Sample 500 lignes: https://example.invalid/sample #vente #santé",
    "Accès VPN + base RH Hôpital Foch, 3k USDT, paiement BTC/XMR\nDM @foch_access",
    "Toujours dispo: Clinique Sainte-Isabelle (Mediboard) 758k patients, prix baissé à 12k USDT 💰",
)
_CHATTER = (
    "GM à tous ☕️",
    "Quelqu'un a des combos streaming frais ?",
    "Rappel: pas de deal hors escrow, on ban direct 🚫",
    "Maintenance du bot ce soir 22h",
    "Nouveau shop de logs ouvert, lien dans la bio",
    "Qui vend des accès RDP FR ? paiement XMR",
    "Le canal backup est en ligne, pensez à le rejoindre",
    "Scam signalé: @faux_vendeur, ne payez rien",
    "Prochain drop vendredi 👀",
    "Les tarifs de l'escrow changent lundi: 5%",
    "Je cherche un dev python pour un scraper, payé",
    "Combien pour un lot de cartes FR ? MP",
    "Merci à tous pour les 10k abonnés 🎉",
    "Qui a un bon VPN no-log à conseiller ?",
    "Attention aux faux admins qui vous MP",
)
_SIGNATURES = ("admin", "modo_nuit", None, None)


@dataclass
class DemoMessage:
    """One message of a demo channel, as the preview shows it."""

    message_id: int
    date: datetime
    text: str = ""
    views: int = 0
    author: str | None = None
    forwarded_from: str | None = None
    #: Attached documents as (name, size shown) pairs: names only, nothing to download.
    documents: list[tuple[str, str]] = field(default_factory=list)
    #: Photo or video the preview cannot show ("Please open Telegram to view this post").
    media: bool = False
    service: bool = False


@dataclass
class DemoChannel:
    """A demo channel: its header and messages; ``preview=False`` redirects ``/s/<name>``."""

    username: str
    title: str
    description: str = ""
    subscribers: int = 0
    preview: bool = True
    messages: list[DemoMessage] = field(default_factory=list)

    def next_id(self) -> int:
        """The id the next message gets (ids only grow)."""
        return max((m.message_id for m in self.messages), default=0) + 1


def market_channel(now: datetime, count: int = 70, seed: int = 7) -> DemoChannel:
    """The default channel: ``count`` messages over a month, sale posts among the chatter."""
    rng = random.Random(seed)
    channel = DemoChannel(
        DEFAULT_CHANNEL,
        "Leak Market FR",
        "Annonces, escrow et re-posts. Pas de scam.",
        subscribers=10_412,
    )
    start = now - timedelta(days=30)
    step = timedelta(days=30) / count
    channel.messages.append(DemoMessage(1, start, "Channel created", service=True))
    sale_at = {count // 5: 0, count // 2: 1, (2 * count) // 3: 2, count - 3: 3}
    for message_id in range(2, count + 1):
        date = start + step * message_id
        views = rng.randint(300, 9_000)
        message = DemoMessage(message_id, date, views=views, author=rng.choice(_SIGNATURES))
        if message_id in sale_at:
            message.text = SALE_POSTS[sale_at[message_id]]
            message.author = "vendeur_verifie"
        elif message_id % 17 == 0:
            message.documents = [("catalogue_shop_v3.pdf", "1.2 MB")]
            message.text = "Catalogue à jour"
        elif message_id % 13 == 0:
            message.media = True
        elif message_id % 11 == 0:
            message.forwarded_from = "Annonces Backup"
            message.text = rng.choice(_CHATTER)
        else:
            message.text = rng.choice(_CHATTER)
        channel.messages.append(message)
    return channel


def default_channels(now: datetime | None = None) -> dict[str, DemoChannel]:
    """The demo's channels: the market, one without a public preview, one without message."""
    moment = now or datetime.now(UTC)
    private = DemoChannel(
        "santeprivee", "Santé Privée VIP", "Canal privé.", subscribers=212, preview=False
    )
    empty = DemoChannel("canalvide", "Canal Vide", "Bientôt des annonces.", subscribers=3)
    return {
        DEFAULT_CHANNEL: market_channel(moment),
        private.username: private,
        empty.username: empty,
    }
