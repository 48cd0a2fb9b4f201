"""Matcher throughput on generated forum-like text, against bare pyahocorasick on the same text.

Measures the bundled watchlist (the whole-FINESS one: its entity count is on the last line) and,
in a child process of its own, a synthetic 100,000-entity one. It generates at least 50 MB of
mixed French/English posts, then measures ``Matcher.match`` per post (normalisation,
verification, sale signals and claims included) and, as the baseline, a bare pyahocorasick
``iter`` of the matcher's automaton (its one pass holds entity names, places and vocabulary)
over the same posts pre-normalised. Each is timed three times, alternately, and the fastest run
of each counts (a shared machine is noisy). For reference, a ``names_only`` line gives the bare
``iter`` of an automaton holding the entity names and places alone. The index cache is filled
first by a child process (``cache:`` line: the bundled index's cold build time and memory peak),
so ``build_s`` is the cached load and ``rss_mb`` the matching process's peak (the bundled
watchlist file's reading is timed apart, ``load_s``). ``Matcher.match`` folds posts, reads
record counts and makes its passes over the folded posts with the C extension
``crawler.matching._fold`` when it is built (``pip install -e .``); without it the pure-Python
path is measured.
Last line: ``matcher: entities=N mb=X mbps=Y raw_mbps=Z ratio=Y/Z load_s=L build_s=B rss_mb=R``.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import ahocorasick

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.core.records import EntityRecord  # noqa: E402
from crawler.matching.matcher import Matcher  # noqa: E402
from crawler.matching.normalise import C_FOLDING, normalise  # noqa: E402
from crawler.matching.watchlist import Watchlist, load_bundled  # noqa: E402

TARGET_BYTES = 52 * 1024 * 1024
SYLLABLES = [
    "ber",
    "lan",
    "mont",
    "ville",
    "cour",
    "bois",
    "char",
    "tre",
    "gni",
    "vil",
    "ard",
    "ros",
    "mar",
    "sai",
    "lou",
    "pel",
    "neu",
    "fon",
]
WORDS_FR = [
    "le",
    "la",
    "les",
    "de",
    "des",
    "du",
    "un",
    "une",
    "pour",
    "avec",
    "sans",
    "sur",
    "dans",
    "est",
    "sont",
    "vends",
    "base",
    "donnees",
    "fuite",
    "patients",
    "hopital",
    "clinique",
    "prix",
    "contact",
    "bonjour",
    "merci",
    "quelqu",
    "un",
    "aurait",
    "acces",
    "serveur",
    "mot",
    "de",
    "passe",
    "liste",
    "fichier",
    "echantillon",
    "gratuit",
    "serieux",
    "uniquement",
    "lignes",
    "envoi",
    "rapide",
]
WORDS_EN = [
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "for",
    "with",
    "selling",
    "database",
    "leak",
    "fresh",
    "dump",
    "records",
    "price",
    "escrow",
    "sample",
    "dm",
    "me",
    "telegram",
    "anyone",
    "got",
    "access",
    "server",
    "hello",
    "thanks",
    "vouch",
    "legit",
    "combo",
    "list",
    "cheap",
    "fast",
    "french",
    "company",
    "customers",
    "emails",
    "phones",
    "private",
    "exclusive",
    "first",
    "hand",
    "update",
    "new",
]
ENTITY_SNIPPETS = (
    "CHU de Toulouse", "Clin. Ste-Isabelle", "HP Thiais", "Mediboard", "Doctolib",
    "CH de Dax", "AP-HP", "Hôpital Foch", "Viamedis", "ch-arles.fr", "CHU Bordeaux",
    "EHPAD Les Tilleuls", "Cerballiance", "Centre de santé", "résidence autonomie",
)  # fmt: skip


def synthetic_watchlist(count: int, rng: random.Random) -> Watchlist:
    """``count`` invented clinics, hospitals and vendors with plausible French names."""
    kinds = ("Clinique", "Centre hospitalier de", "Polyclinique", "Hôpital privé de", "Institut")
    entities = []
    for number in range(count):
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        city = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
        entities.append(
            EntityRecord(
                key=f"other:synthetic-{number}",
                kind="establishment",
                name=f"{rng.choice(kinds)} {name} {city}",
                city=city,
                department=f"{rng.randint(1, 95):02d}",
            )
        )
    return Watchlist(tuple(entities))


def generate_posts(rng: random.Random) -> list[tuple[str, str]]:
    """Forum-like posts (title, text), 1–4 KB each, about 5 % naming a watched entity."""
    posts, size = [], 0
    while size < TARGET_BYTES:
        words = WORDS_FR if rng.random() < 0.5 else WORDS_EN
        body = []
        for _ in range(rng.randint(150, 600)):
            word = rng.choice(words)
            body.append(word.capitalize() if rng.random() < 0.05 else word)
            if rng.random() < 0.08:
                body.append(rng.choice((",", ".", "!", "?", " -", ":")))
            if rng.random() < 0.01:
                body.append(f"{rng.randint(1, 999)}k")
        if rng.random() < 0.05:
            body.insert(rng.randrange(len(body)), rng.choice(ENTITY_SNIPPETS))
        title = " ".join(rng.choice(words) for _ in range(rng.randint(3, 9)))
        text = " ".join(body)
        posts.append((title, text))
        size += len(title.encode()) + len(text.encode())
    return posts


ROUNDS = 3


def bare_iter(automaton: Any, folded: list[tuple[str, str]]) -> float:
    """Seconds of a plain pyahocorasick ``iter`` over pre-normalised posts."""
    start = time.perf_counter()
    for title, text in folded:
        for _ in automaton.iter(title):
            pass
        for _ in automaton.iter(text):
            pass
    return time.perf_counter() - start


def measure(matcher: Matcher, posts: list[tuple[str, str]]) -> tuple[float, float]:
    """(matcher seconds, bare seconds) over ``posts``, the fastest of :data:`ROUNDS` runs each;
    bare is the issue's baseline: a plain pyahocorasick ``iter`` of the matcher's automaton over
    the posts pre-normalised."""
    folded = [(normalise(title).text, normalise(text).text) for title, text in posts]
    full = raw = float("inf")
    for _ in range(ROUNDS):
        raw = min(raw, bare_iter(matcher.index.automaton, folded))
        start = time.perf_counter()
        for title, text in posts:
            matcher.match(title, text)
        full = min(full, time.perf_counter() - start)
    return full, raw


def names_only(matcher: Matcher) -> Any:
    """An automaton of the matcher's entity-name and place keys alone (no vocabulary)."""
    automaton = ahocorasick.Automaton()
    for key, value in matcher.index.automaton.items():
        if value < 0:  # entity names and places (vocabulary keys hold their masks)
            automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


CACHE = Path(tempfile.gettempdir()) / "leakwatch-bench-cache"
SYNTHETIC = 100_000


def fill_cache() -> None:
    """Build both indexes into the cache and print how long the bundled one's cold build took
    (run in a child process: the build's transient memory is not the matcher's, and stays out
    of ``rss_mb``)."""
    bundled = load_bundled()
    start = time.perf_counter()
    Matcher(bundled, CACHE)
    cold = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cache: entities={len(bundled.entities)} cold_build_s={cold:.2f} build_rss_mb={rss:.0f}")
    Matcher(synthetic_watchlist(SYNTHETIC, random.Random(20241123)), CACHE)


def run(watchlist: Watchlist, label: str, load: float = 0.0) -> None:
    """Measure ``watchlist``'s matcher on the generated posts and print its ``label`` line."""
    start = time.perf_counter()
    matcher = Matcher(watchlist, CACHE)
    build = time.perf_counter() - start
    posts = generate_posts(random.Random(20241124))
    megabytes = sum(len(t.encode()) + len(x.encode()) for t, x in posts) / 1e6
    full, raw = measure(matcher, posts)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if label == "matcher":
        folded = [(normalise(title).text, normalise(text).text) for title, text in posts]
        names = min(bare_iter(names_only(matcher), folded) for _ in range(ROUNDS))
        print(f"names_only: raw_mbps={megabytes / names:.1f} ratio={names / full:.2f}")
        print(f"folding: {'C extension' if C_FOLDING else 'pure Python (extension not built)'}")
    mbps, raw_mbps = megabytes / full, megabytes / raw
    print(
        f"{label}: entities={len(watchlist.entities)} mb={megabytes:.1f} mbps={mbps:.1f} "
        f"raw_mbps={raw_mbps:.1f} ratio={mbps / raw_mbps:.2f} load_s={load:.2f} "
        f"build_s={build:.2f} rss_mb={rss:.0f}",
        flush=True,
    )


def main() -> None:
    """Run the benchmark and print its figures (the synthetic variant in a child process, so
    each line's ``rss_mb`` is its own watchlist's)."""
    subprocess.run([sys.executable, __file__, "--fill-cache"], check=True)
    subprocess.run([sys.executable, __file__, "--synthetic"], check=True)
    start = time.perf_counter()
    bundled = load_bundled()
    run(bundled, "matcher", time.perf_counter() - start)


if __name__ == "__main__":
    if "--fill-cache" in sys.argv:
        fill_cache()
    elif "--synthetic" in sys.argv:
        run(synthetic_watchlist(SYNTHETIC, random.Random(20241123)), "synthetic")
    else:
        main()
