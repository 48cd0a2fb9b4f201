"""Evidence on the hit page: hashes shown, the screenshot served through an authenticated
route (never a file path), a changed file refused; and in the MISP download."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import httpx

from crawler.core.config import Settings
from tests.crawler.reports.test_evidence import store_evidence, tiny_png
from tests.crawler.web.conftest import SECRET, add_accounts, login, serve_app
from tests.seed import seed


def test_the_hit_page_shows_its_evidence(migrated_url: str, tmp_path: Path) -> None:
    seeded = seed(migrated_url)
    add_accounts(migrated_url)
    png = tiny_png()
    hit = seeded.thiais_hits[0]
    evidence_id = store_evidence(migrated_url, tmp_path, hit, png)
    settings = Settings(database_url=migrated_url, web={"secret_key": SECRET}, data_dir=tmp_path)
    with serve_app(settings) as base_url:
        client = login(base_url, "jo")
        page = client.get(f"/hits/{hit}")
        image = f"/hits/{hit}/evidence/{evidence_id}.png"
        assert f'src="{image}"' in page.text
        assert hashlib.sha256(png).hexdigest() in page.text
        assert hashlib.sha256(b"<html>x</html>").hexdigest() in page.text
        assert str(tmp_path) not in page.text  # never a file path
        served = client.get(image)
        assert served.status_code == 200 and served.content == png
        assert served.headers["content-type"] == "image/png"

        other_hit = seeded.thiais_hits[1]  # another post: not its evidence
        assert client.get(f"/hits/{other_hit}/evidence/{evidence_id}.png").status_code == 404
        assert client.get(f"/hits/{hit}/evidence/999.png").status_code == 404
        with httpx.Client(base_url=base_url) as anonymous:
            assert anonymous.get(image).status_code == 303  # to the login page

        misp = client.get("/incidents/1/misp.json").json()
        [attachment] = [a for a in misp["Event"]["Attribute"] if a["type"] == "attachment"]
        assert base64.b64decode(attachment["data"]) == png

        screenshot = next((tmp_path / "evidence").rglob("*.png"))
        screenshot.write_bytes(tiny_png(red=5))  # changed after capture
        assert client.get(image).status_code == 404
        changed = client.get(f"/hits/{hit}")
        assert f'src="{image}"' not in changed.text
        assert "no longer matches its sha256" in changed.text
        client.close()
