"""How many of Wikidata's French hospitals a title names, by name and by web domain.

Usage (from the project root)::

    python tests/data/wikidata/french_detection.py ../shared/data/domains/hospital.001.wikidata.tsv

Every hospital of the Wikidata list whose country is France is put to the bundled matcher as a
title-only leak-site entry, once by its label and once by its official website's host; a line
per split and kind says on how many the matcher reported any entity. No expected entity is
checked (Wikidata gives none), many labels are historic buildings (hospices, Hôtels-Dieu) that
no longer exist, and the domains joined into the bundle came from this file: it is a probe of
recall on real names and domains, not a labelled set. The split is the foreign set's (sha1 of
the Wikidata id); only ``tune`` misses are listed (``--misses name|domain``).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from platformdirs import user_cache_dir

from crawler.matching.matcher import Matcher

sys.path.insert(0, str(Path(__file__).parent))
from build_wikidata_eval import host_of, split_of  # noqa: E402


def main() -> int:
    """Print ``split kind: detected/total`` lines (and ``tune`` misses when asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tsv", type=Path)
    parser.add_argument("--misses", choices=["name", "domain"])
    args = parser.parse_args()
    matcher = Matcher.bundled(Path(user_cache_dir("leakwatch")))
    counts: dict[tuple[str, str], list[int]] = {}
    with args.tsv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["countryLabel"].strip() != "France":
                continue
            item = row["item"].rsplit("/", 1)[-1]
            split = split_of(item)
            for kind, title in (
                ("name", row["itemLabel"]),
                ("domain", host_of(row["official_website"])),
            ):
                if not title or title == item:
                    continue
                found = bool(matcher.match(title, "Group: lockbit3").matches)
                tally = counts.setdefault((split, kind), [0, 0])
                tally[0] += found
                tally[1] += 1
                if not found and split == "tune" and args.misses == kind:
                    print(f"missed: {title}")
    for (split, kind), (found, total) in sorted(counts.items()):
        print(f"{split} {kind}: {found}/{total}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
