"""The C extension's character tables are written from the Python ones, never by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from crawler.matching.fold_header import HEADER_PATH, header_text

ROOT = Path(__file__).parents[3]


def test_committed_header_is_what_the_generator_writes() -> None:
    committed = HEADER_PATH.read_text(encoding="ascii")
    assert committed == header_text(), "run: python -m crawler.matching.fold_header"


def test_without_the_extension_python_folds_and_counts_alone() -> None:
    # A machine without a C compiler installs without the extension: the imports fall back.
    code = (
        "import json, sys; sys.modules['crawler.matching._fold'] = None\n"
        "from crawler.matching import claims, normalise\n"
        "folded = normalise.normalise_fields('H0pital Cœur', '750k').text\n"
        "print(json.dumps([normalise.C_FOLDING, claims._scan_records is None, folded,"
        " claims.record_count('750k lignes')]))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert json.loads(completed.stdout) == [False, True, " hopital coeur | 750k ", 750000]
