from __future__ import annotations

import json
from pathlib import Path

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
    assert lines[-1] == "all: precision=1.000 recall=0.500 f1=0.667 (tp=1 fp=0 fn=1)"
    assert lines[1].endswith("(tp=0 fp=0 fn=0)")
