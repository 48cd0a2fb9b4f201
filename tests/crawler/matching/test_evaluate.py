from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from crawler.matching.evaluate import report
from crawler.matching.matcher import Matcher


def _write(path: Path, posts: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(post) + "\n" for post in posts), encoding="utf-8")
    return path


def test_report_scores_each_file_and_ends_with_the_main_overall(
    small_matcher: Matcher, tmp_path: Path
) -> None:
    main = _write(
        tmp_path / "main.jsonl",
        [
            {"id": "a", "split": "dev", "title": "HP Thiais dump", "text": "",
             "expected": ["finess:940300445"]},
            {"id": "b", "split": "holdout", "title": "Clinique moisturizer", "text": "",
             "expected": ["finess:800002503"]},
        ],
    )  # fmt: skip
    blind = _write(
        tmp_path / "blind.jsonl",
        [{"id": "c", "split": "blind", "title": "Thiais dump", "text": "", "expected": []}],
    )
    lines = report(main, [blind], small_matcher)
    assert [line.split(":")[0] for line in lines] == [
        "blind.jsonl blind",
        "blind.jsonl all",
        "dev",
        "holdout",
        "all",
    ]
    assert lines[-1] == (
        "all: precision=1.000 recall=0.500 f1=0.667 (tp=1 fp=0 fn=1) false_alarms=0/0"
    )
    assert lines[1].endswith("(tp=0 fp=0 fn=0) false_alarms=0/1")


def test_a_gzipped_set_is_read_and_errors_are_shown_for_one_split_only(
    small_matcher: Matcher, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    posts = [
        {"id": "t1", "split": "tune", "title": "Clinique moisturizer", "text": "",
         "expected": ["finess:800002503"]},
        {"id": "h1", "split": "held", "title": "Clinique moisturizer", "text": "",
         "expected": ["finess:800002503"]},
    ]  # fmt: skip
    real = tmp_path / "real.jsonl.gz"
    real.write_bytes(gzip.compress("".join(json.dumps(p) + "\n" for p in posts).encode()))
    main = _write(tmp_path / "main.jsonl", [])
    lines = report(main, [real], small_matcher, show_errors=True, errors_split="tune")
    assert lines[:2] == [
        "real.jsonl held: precision=1.000 recall=0.000 f1=0.000 (tp=0 fp=0 fn=1) false_alarms=0/0",
        "real.jsonl tune: precision=1.000 recall=0.000 f1=0.000 (tp=0 fp=0 fn=1) false_alarms=0/0",
    ]
    errors = capsys.readouterr().err
    assert "t1:" in errors
    assert "h1:" not in errors  # the held-back part is scored, never shown


def test_a_negative_post_with_any_report_is_a_false_alarm(
    small_matcher: Matcher, tmp_path: Path
) -> None:
    negatives = _write(
        tmp_path / "negatives.jsonl",
        [
            {"id": "n1", "split": "tune", "title": "HP Thiais dump", "text": "", "expected": []},
            {"id": "n2", "split": "tune", "title": "Hello world", "text": "", "expected": []},
        ],
    )
    lines = report(_write(tmp_path / "main.jsonl", []), [negatives], small_matcher)
    assert lines[0] == (
        "negatives.jsonl tune: precision=0.000 recall=1.000 f1=0.000 (tp=0 fp=1 fn=0)"
        " false_alarms=1/2"
    )


def test_a_label_written_before_its_organisation_was_watched_names_it_by_slug(
    small_matcher: Matcher, tmp_path: Path
) -> None:
    # "new:<slug>" is the entity of that slug once the watchlist has one, whatever its kind.
    posts = [
        {"id": "n1", "split": "dev", "title": "Harmonie Mutuelle : fuite de données", "text": "",
         "expected": ["new:harmonie-mutuelle"]},
        {"id": "n2", "split": "dev", "title": "Rien ici", "text": "",
         "expected": ["new:not-watched"]},
    ]  # fmt: skip
    main = _write(tmp_path / "main.jsonl", posts)
    assert report(main, [], small_matcher)[-1] == (
        "all: precision=1.000 recall=0.500 f1=0.667 (tp=1 fp=0 fn=1) false_alarms=0/0"
    )
