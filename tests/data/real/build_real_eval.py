#!/usr/bin/env python3
"""Regenerate /work/labels/real_eval.jsonl from the four real ransomware files
and the hand-made labels in /work/labels/real_labels.json.

Usage: python3 build_real_eval.py [--data DIR] [--labels FILE] [--out FILE]

Standard library only. Every item of the four files becomes one line; items absent
from the labels file are label=negative, expected=[].

real_labels.json: {"<item id>": {"label": "positive"|"hard_negative",
                                 "expected": [keys], "why": "..."}, ...}
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import re
import sys
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: ../shared/data/ransomware beside the repository root (read by this tool only, never at run time).
DATA = HERE.parents[3] / "shared" / "data" / "ransomware"

F_RANSOMFEED = "ransomfeed_posts_2020-2023.dev.json"
F_RLPOSTS = "ransomwarelive_posts_2024-03.dev.csv"
F_PRESS = "ransomwarelive_press_2021-2025.dev.json"
F_RSS = "ransomwatch_feed_2020-2025.dev.xml"

# id prefix per file
SHORT = {F_RANSOMFEED: "rf", F_RLPOSTS: "rlp", F_PRESS: "press", F_RSS: "rw"}


def _iso_date(s: str | None) -> str:
    """'2021-09-09 23:46:53.99' -> '2021-09-09'; RFC-822 pubDate -> ISO date."""
    if not s:
        return ""
    s = s.strip()
    m = re.match(r"(\d{4}-\d{2}-\d{2})", s)
    if m:
        return m.group(1)
    try:
        return parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError):
        return ""


def _post_text(description: str | None, website: str | None) -> str:
    parts = []
    if description:
        parts.append(description)
    if website:
        parts.append(f"website: {website}")
    return "\n".join(parts)


# --- a tiny stop-word language guess (only for the informative `lang` field) ---
_STOP = {
    "fr": "le la les des du une est et pour dans avec sur qui par au aux ses son été sont pas plus"
    " cette leurs entreprise société",
    "en": "the and of is for with in to on are was by from that this we our its company has"
    " have been",
    "de": "der die das und ist mit für von auf den dem ein eine im wir unternehmen sich nicht auch",
    "es": "el la los las y de que con para por una es del en su empresa sus servicios",
    "it": "il la di e che per con una è del della sono dei nel azienda alla delle",
    "pt": "o a os as e de que com para por uma é do da em empresa dos das",
    "nl": "de het een en van is met voor op in zijn wij bedrijf onze",
}
_STOPSETS = {k: set(v.split()) for k, v in _STOP.items()}


def guess_lang(text: str, default: str = "und") -> str:
    text = "\n".join(line for line in (text or "").splitlines() if not line.startswith("website: "))
    text = re.sub(r"\S*[./@]\S*", " ", text)  # URLs, domains, e-mail addresses
    words = [w for w in re.findall(r"[a-zà-ÿ]+", text.lower()) if len(w) > 1]
    if len(words) < 5:
        return default
    scores = {k: sum(1 for w in words if w in s) for k, s in _STOPSETS.items()}
    best = max(scores, key=scores.get)
    if scores[best] < 2:
        return default
    return best


def load_items(data: Path = DATA) -> list[dict]:
    """All items of the four files, in file order, with the fields of the eval set
    (without labels). `victim` is the name used for the split's group key."""
    items: list[dict] = []

    # 1. ransomfeed (ransomwatch posts.json format)
    for n, p in enumerate(json.loads((data / F_RANSOMFEED).read_text(encoding="utf-8"))):
        title = p.get("post_title") or ""
        text = _post_text(p.get("description"), p.get("website"))
        items.append(
            dict(
                id=f"rf-{n}",
                title=title,
                text=text,
                style="leaksite",
                lang=guess_lang(text),
                source=F_RANSOMFEED,
                group=p.get("group_name") or "",
                date=_iso_date(p.get("discovered") or p.get("published")),
                victim=title,
            )
        )

    # 2. ransomware.live posts CSV
    with open(data / F_RLPOSTS, encoding="utf-8", newline="") as fh:
        for n, p in enumerate(csv.DictReader(fh)):
            title = p.get("post_title") or ""
            text = _post_text(p.get("description"), p.get("website"))
            items.append(
                dict(
                    id=f"rlp-{n}",
                    title=title,
                    text=text,
                    style="leaksite",
                    lang=guess_lang(text),
                    source=F_RLPOSTS,
                    group=p.get("group_name") or "",
                    date=_iso_date(p.get("discovered") or p.get("published")),
                    victim=title,
                )
            )

    # 3. ransomware.live press export (French summaries)
    press = json.loads((data / F_PRESS).read_text(encoding="utf-8"))["results"]
    for n, p in enumerate(press):
        victim = p.get("victim") or ""
        parts = [x for x in (victim, p.get("domain") or "") if x]
        if p.get("domain"):
            parts[-1] = f"domain: {p['domain']}"
        if p.get("summary"):
            parts.append(p["summary"])
        rw = p.get("ransomware") or {}
        items.append(
            dict(
                id=f"press-{n}",
                title=p.get("title") or "",
                text="\n".join(parts),
                style="press",
                lang="fr",
                source=F_PRESS,
                group=(rw.get("group") or "") if isinstance(rw, dict) else "",
                date=_iso_date(p.get("date")),
                victim=victim or (p.get("title") or ""),
            )
        )

    # 4. ransomwatch RSS feed
    root = ET.parse(data / F_RSS).getroot()
    for n, it in enumerate(root.iter("item")):
        title = it.findtext("title") or ""
        desc = it.findtext("description") or ""
        g = desc[len("Group:") :].strip() if desc.startswith("Group:") else ""
        items.append(
            dict(
                id=f"rw-{n}",
                title=title,
                text=desc,
                style="feed",
                lang=guess_lang(title),
                source=F_RSS,
                group=g,
                date=_iso_date(it.findtext("pubDate")),
                victim=title,
            )
        )
    return items


def group_key(item: dict, expected: list[str]) -> str:
    if expected:
        return "|".join(sorted(expected))
    return " ".join((item.get("victim") or item.get("title") or "").split()).casefold()


def split_of(item: dict, expected: list[str]) -> str:
    h = int(hashlib.sha256(group_key(item, expected).encode("utf-8")).hexdigest(), 16)
    return "held" if h % 2 else "tune"


FIELDS = [
    "id",
    "split",
    "title",
    "text",
    "expected",
    "style",
    "lang",
    "source",
    "group",
    "date",
    "label",
    "why",
]


def build(data: Path, labels_path: Path, out: Path) -> dict:
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    items = load_items(data)
    ids = {it["id"] for it in items}
    unknown = sorted(set(labels) - ids)
    if unknown:
        raise SystemExit(f"labels for unknown ids: {unknown[:10]}")
    counts: dict = {}
    with gzip.GzipFile(out, "wb", mtime=0) as raw, io.TextIOWrapper(raw, encoding="utf-8") as fh:
        for it in items:
            lab = labels.get(it["id"], {})
            label = lab.get("label", "negative")
            expected = sorted(lab.get("expected", [])) if label == "positive" else []
            if label == "positive" and not expected:
                raise SystemExit(f"positive without keys: {it['id']}")
            row = dict(it)
            row.update(
                split=split_of(it, expected), expected=expected, label=label, why=lab.get("why", "")
            )
            fh.write(json.dumps({k: row[k] for k in FIELDS}, ensure_ascii=False) + "\n")
            c = counts.setdefault(
                (it["source"], row["split"]), {"items": 0, "positive": 0, "hard_negative": 0}
            )
            c["items"] += 1
            if label != "negative":
                c[label] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--labels", type=Path, default=HERE / "real_labels.json")
    ap.add_argument("--out", type=Path, default=HERE / "real_eval.jsonl.gz")
    a = ap.parse_args()
    counts = build(a.data, a.labels, a.out)
    tot = {"items": 0, "positive": 0, "hard_negative": 0}
    for (src, split), c in sorted(counts.items()):
        print(
            f"{src:45s} {split:5s} items={c['items']:6d} pos={c['positive']:3d} "
            f"hard_neg={c['hard_negative']:3d}",
            file=sys.stderr,
        )
        for k in tot:
            tot[k] += c[k]
    print(
        f"{'TOTAL':45s}       items={tot['items']:6d} pos={tot['positive']:3d} "
        f"hard_neg={tot['hard_negative']:3d}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
