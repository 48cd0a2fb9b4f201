"""Build ``foreign_hospitals.jsonl.gz``: hospitals outside France, as leak-site titles (negatives).

Usage (from the project root)::

    python3 tests/data/wikidata/build_wikidata_eval.py \
        ../shared/data/domains/hospital.001.wikidata.tsv

Reads the Wikidata hospital list (CC0; ``item, itemLabel, countryLabel, official_website, geo``)
and writes one item per foreign hospital name and one per foreign hospital web domain, each as a
title-only leak-site entry (``title`` = name or domain, ``text`` = ``Group: lockbit3``), with
``expected`` empty: no French health entity is named. Items whose country is France or unknown
are left out (French overseas departments are ``France`` in Wikidata).

The split is fixed by a hash of the Wikidata item id, decided before any error was read:
``tune`` when the last hex digit of sha1(item id) is 0-7, else ``held`` (never read for tuning).
Standard library only; two runs give the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

OUT = Path(__file__).with_name("foreign_hospitals.jsonl.gz")


def split_of(item: str) -> str:
    """``tune`` or ``held``, from the item id alone."""
    return "tune" if hashlib.sha1(item.encode()).hexdigest()[-1] in "01234567" else "held"


def host_of(url: str) -> str:
    """The site's host name without ``www.``; empty when none."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def items(path: Path) -> list[dict[str, object]]:
    """The foreign hospitals' names and domains as negative items."""
    out: list[dict[str, object]] = []
    seen: set[tuple[str, str]] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            country = row["countryLabel"].strip()
            if country in ("", "France"):
                continue
            item = row["item"].rsplit("/", 1)[-1]
            label = row["itemLabel"].strip()
            candidates = [("name", label), ("domain", host_of(row["official_website"]))]
            for kind, title in candidates:
                if not title or (kind == "name" and title == item):
                    continue
                if (kind, title.casefold()) in seen:
                    continue
                seen.add((kind, title.casefold()))
                out.append(
                    {
                        "id": f"wd-{item}-{kind}",
                        "split": split_of(item),
                        "title": title,
                        "text": "Group: lockbit3",
                        "expected": [],
                        "country": country,
                    }
                )
    return out


def main(argv: list[str]) -> int:
    """Write the set next to this script."""
    rows = items(Path(argv[1]))
    body = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    OUT.write_bytes(gzip.compress(body.encode("utf-8"), mtime=0))
    sys.stdout.write(f"{len(rows)} items written to {OUT}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
