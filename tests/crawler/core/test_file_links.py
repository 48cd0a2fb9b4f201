"""The one rule on file hosts and file links, as every family and fetch path sees it."""

from __future__ import annotations

import pytest

from crawler.core.file_links import FILE_HOSTS, file_link_refusal, known_file_host

#: Links as they are posted: cloud drives (whole hosts), anonymous and temporary hosts.
POSTED_LINKS = [
    ("https://drive.google.com/file/d/1AbC/view?usp=sharing", "drive.google.com"),
    ("https://drive.google.com/drive/folders/1AbC", "drive.google.com"),
    ("https://docs.google.com/spreadsheets/d/1AbC/edit#gid=0", "docs.google.com"),
    ("https://docs.google.com/uc?export=download&id=1AbC", "docs.google.com"),
    ("https://drive.usercontent.google.com/download?id=1AbC", "drive.usercontent.google.com"),
    ("https://doc-0s-9k-docs.googleusercontent.com/docs/x", "googleusercontent.com"),
    ("https://onedrive.live.com/?cid=ABC&resid=ABC%21123", "onedrive.live.com"),
    ("https://1drv.ms/u/s!AbCdEf", "1drv.ms"),
    ("https://public.bn.files.1drv.com/y4m/x", "1drv.com"),
    ("https://contoso.sharepoint.com/:x:/g/personal/a_b/EAbC?e=x", "sharepoint.com"),
    ("https://contoso-my.sharepoint.com/personal/a_b/Documents/x", "sharepoint.com"),
    ("https://www.dropbox.com/s/abc/patients?dl=0", "dropbox.com"),
    ("https://dl.dropboxusercontent.com/s/x", "dropboxusercontent.com"),
    ("https://mega.nz/file/AbC#key", "mega.nz"),
    ("https://mega.app/folder/AbC", "mega.app"),
    ("https://gofile.io/d/xyz", "gofile.io"),
    ("https://store1.gofile.io/download/x", "gofile.io"),
    ("https://pixeldrain.com/u/AbC", "pixeldrain.com"),
    ("https://anonfiles.com/AbC/base_7z", "anonfiles.com"),
    ("https://files.catbox.moe/abc", "catbox.moe"),
    ("https://transfer.sh/AbC/base", "transfer.sh"),
    ("https://temp.sh/AbC/base", "temp.sh"),
    ("https://bashupload.com/AbC/base", "bashupload.com"),
    ("https://file.io/AbC", "file.io"),
    ("https://www.mediafire.com/file/x/dump.html", "mediafire.com"),
    ("https://qu.ax/AbC", "qu.ax"),
    ("https://www.sendspace.com/file/abc", "sendspace.com"),
    ("https://uploadnow.io/f/AbC", "uploadnow.io"),
    ("https://krakenfiles.com/view/AbC/file.html", "krakenfiles.com"),
    ("https://buzzheavier.com/AbC", "buzzheavier.com"),
    ("https://1fichier.com/?abc", "1fichier.com"),
    ("http://dl.free.fr/getfile.pl?file=/AbC", "dl.free.fr"),
    ("https://we.tl/t-AbC", "we.tl"),
]


@pytest.mark.parametrize(("url", "host"), POSTED_LINKS)
def test_file_hosts_are_refused_with_their_subdomains(url: str, host: str) -> None:
    assert file_link_refusal(url) == f"link to the file host {host} refused: {url}"


@pytest.mark.parametrize(
    "url",
    [
        "HTTPS://DRIVE.GOOGLE.COM./file/d/x",  # case and the root dot
        "https://gofile.io\\@forum.example/d/x",  # a browser reads the backslash as a slash
        "https://%64rive.google.com/file/d/x",  # percent-escaped host
        "https://ｍｅｇａ.ｎｚ/file/x",  # full-width letters
        "https://mega\u3002nz/file/x",  # ideographic full stop
        "https://user:pass@pixeldrain.com/u/x",
        "https://pixeldrain.com:8443/u/x",
    ],
)
def test_disguised_file_host_links_are_refused(url: str) -> None:
    assert file_link_refusal(url) is not None


@pytest.mark.parametrize(
    ("url", "extension"),
    [
        ("http://forum.example/attachments/patients.ZIP", ".zip"),
        ("http://forum.example/f/base%20clinique.sql", ".sql"),
        ("http://forum.example/f/export.tar.gz?dl=1", ".gz"),
        ("http://forum.example/f/patients.xlsx/", ".xlsx"),
        ("http://forum.example/f/data.7z", ".7z"),
        ("http://forum.example/f/dump%2Ezip", ".zip"),
    ],
)
def test_file_links_are_refused(url: str, extension: str) -> None:
    assert file_link_refusal(url) == f"link to a {extension} file refused: {url}"


@pytest.mark.parametrize(
    "url",
    [
        "http://forum.example/showthread.php?tid=12",
        "http://forum.example/download.php?file=x.zip",  # a page; its answer is checked
        "http://notmega.nz.example/thread/1",
        "http://mega.nz.example/thread/1",
        "http://evilmega.nz/thread/1",
        "https://www.google.com/search?q=drive",
        "https://accounts.google.com/",
        "https://live.com/",
        "http://forum.example/api/posts.json",  # JSON feeds are pages
        "http://paste.example/raw/abc.txt",  # so are raw pastes
        "http://127.0.0.1:8080/html/section/1",
    ],
)
def test_pages_are_let_through(url: str) -> None:
    assert file_link_refusal(url) is None


def test_the_list_is_plain_lower_case_host_names() -> None:
    for host in FILE_HOSTS:
        assert host == host.strip().lower() and "." in host and "/" not in host
        assert known_file_host(host) == host
        assert known_file_host(f"www.{host}") == host


def test_a_tracker_export_may_be_csv_and_nothing_else() -> None:
    url = "https://exports.example/ransomware/posts.csv"
    assert file_link_refusal(url) == f"link to a .csv file refused: {url}"
    assert file_link_refusal(url, tracker_export=True) is None
    dump = "https://exports.example/ransomware/posts.sql"
    assert file_link_refusal(dump, tracker_export=True) is not None
    assert file_link_refusal("https://mega.nz/file/x.csv", tracker_export=True) is not None
