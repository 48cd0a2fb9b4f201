"""Precision, recall and F1 of the matcher on a labelled set of posts.

Usage: ``python -m crawler.matching.evaluate tests/data/match_eval.jsonl [MORE.jsonl…]
[--show-errors [--errors-split SPLIT]]``

A set may be gzip-compressed (``.jsonl.gz``). ``--errors-split tune`` lists the errors of one
split only: the real set's ``held`` part is scored, never read for tuning.

Each line has ``id``, ``title``, ``text``, ``expected`` (entity keys the post names) and
``split`` (``dev`` or ``holdout``). Scores count entities per post: a reported entity is right
when it is expected, or is the parent or a child of an expected one (the matcher may name the
"CHU de Toulouse" legal entity for a post about one of its sites). An expected ``new:<slug>``
names an organisation the watchlist did not hold when the post was labelled: any entity whose
key is ``<kind>:<slug>`` is it, whatever its kind. Scores are printed for each
split and overall. With several files, each further file's lines come first, prefixed by its
name (``match_eval_blind.jsonl all: …``); the first file's lines come last, unprefixed, so the
last line is still the first file's overall score.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_cache_dir

from crawler.matching.matcher import Matcher


@dataclass
class Tally:
    """Counts of right, wrong and missed entities."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    #: Posts that name no watched entity, and those of them on which something was reported.
    negative_posts: int = 0
    false_alarms: int = 0

    def line(self, label: str) -> str:
        """``label: precision=… recall=… f1=… (tp fp fn)``."""
        found = self.true_positives + self.false_positives
        wanted = self.true_positives + self.false_negatives
        precision = self.true_positives / found if found else 1.0
        recall = self.true_positives / wanted if wanted else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return (
            f"{label}: precision={precision:.3f} recall={recall:.3f} f1={f1:.3f} "
            f"(tp={self.true_positives} fp={self.false_positives} fn={self.false_negatives})"
            f" false_alarms={self.false_alarms}/{self.negative_posts}"
        )


def evaluate(
    path: Path, matcher: Matcher, show_errors: bool = False, errors_split: str | None = None
) -> dict[str, Tally]:
    """Run every labelled post through ``matcher``; return tallies per split and ``all``.

    With ``show_errors``, misses and wrong entities are written to stderr (only those of
    ``errors_split`` when given).
    """
    parents = {e.key: e.parent_key for e in matcher.watchlist.entities}
    known = set(parents)
    by_slug = _keys_by_slug(known)
    tallies: dict[str, Tally] = defaultdict(Tally)
    for line in _lines(path):
        if not line.strip():
            continue
        post = json.loads(line)
        expected = {_resolved(key, by_slug) for key in post["expected"]}
        for key in expected - known:
            sys.stderr.write(f"{post['id']}: unknown expected key {key}\n")
        result = matcher.match(post.get("title", ""), post.get("text", ""))
        found = {match.entity.key for match in result.matches}
        right = {k for k in found if _related(k, expected, parents)}
        missed = {k for k in expected if not _related(k, found, parents)}
        for split in (post.get("split", "dev"), "all"):
            tallies[split].true_positives += len(expected) - len(missed)
            tallies[split].false_positives += len(found - right)
            tallies[split].false_negatives += len(missed)
            if not expected:
                tallies[split].negative_posts += 1
                tallies[split].false_alarms += bool(found)
        shown = errors_split is None or post.get("split") == errors_split
        if show_errors and shown and (missed or found - right):
            sys.stderr.write(
                f"{post['id']}: missed={sorted(missed)} wrong={sorted(found - right)} "
                f"| {post.get('title', '')[:60]!r} {post.get('text', '')[:60]!r}\n"
            )
    return tallies


def _lines(path: Path) -> list[str]:
    if path.suffix == ".gz":
        return gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    return path.read_text(encoding="utf-8").splitlines()


def _keys_by_slug(keys: set[str]) -> dict[str, str]:
    # "insurer:uniprevoyance" by "uniprevoyance"; a slug two kinds share resolves to neither.
    found: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        kind, _, slug = key.partition(":")
        if not kind.startswith("finess"):
            found[slug].append(key)
    return {slug: owners[0] for slug, owners in found.items() if len(owners) == 1}


def _resolved(key: str, by_slug: dict[str, str]) -> str:
    # A label written before its organisation was watched ("new:<slug>") names the entity of
    # that slug once there is one.
    if key.startswith("new:"):
        return by_slug.get(key.removeprefix("new:"), key)
    return key


def _related(key: str, keys: set[str], parents: dict[str, str | None]) -> bool:
    return key in keys or parents.get(key) in keys or any(parents.get(k) == key for k in keys)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: print one score line per split, overall last."""
    parser = argparse.ArgumentParser(description="Matcher precision / recall / F1.")
    parser.add_argument("path", type=Path, help="the main labelled set (scored last)")
    parser.add_argument("more", type=Path, nargs="*", help="further labelled sets")
    parser.add_argument("--show-errors", action="store_true", help="list misses on stderr")
    parser.add_argument(
        "--errors-split", default=None, help="with --show-errors: only this split's errors"
    )
    args = parser.parse_args(argv)
    matcher = Matcher.bundled(Path(user_cache_dir("leakwatch")))
    for line in report(args.path, args.more, matcher, args.show_errors, args.errors_split):
        sys.stdout.write(line + "\n")
    return 0


def report(
    main: Path,
    more: list[Path],
    matcher: Matcher,
    show_errors: bool = False,
    errors_split: str | None = None,
) -> list[str]:
    """Score lines: each of ``more`` prefixed by its file name, then ``main``'s, overall last."""
    lines = []
    for path in [*more, main]:
        tallies = evaluate(path, matcher, show_errors, errors_split)
        prefix = "" if path is main else f"{path.name.removesuffix('.gz')} "
        for split in sorted(s for s in tallies if s != "all"):
            lines.append(prefix + tallies[split].line(split))
        lines.append(prefix + tallies["all"].line("all"))
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
