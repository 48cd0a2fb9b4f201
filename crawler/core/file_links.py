"""The one list of file hosts, and the one rule refusing links to files: every family obeys it.

A link to a file-sharing host or cloud drive, or to an archive, dump or office file, is a
download of the leaked data itself, so no crawl ever fetches it. The downloader middleware
(crawler/fetch/middlewares/file_links.py), the browser's request filter
(crawler/fetch/handlers/browser.py) and the leak-site parser (spiders/leaksites/values.py) all
ask :func:`file_link_refusal`.

Hosts are refused with their subdomains (``www.mediafire.com``, ``store.gofile.io``,
``contoso.sharepoint.com``); a drive's whole host is refused, not only its file paths, since
a crawl never needs a page there.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

#: File-sharing hosts and cloud drives where leaks are posted, grouped by kind.
FILE_HOSTS = frozenset(
    {
        # Cloud drives and their download hosts.
        "1drv.com", "1drv.ms", "box.com", "db.tt", "disk.yandex.com", "disk.yandex.ru",
        "docs.google.com", "drive.google.com", "drive.usercontent.google.com", "dropbox.com",
        "dropboxusercontent.com", "googleusercontent.com", "icedrive.net", "mega.app",
        "mega.co.nz", "mega.io", "mega.nz", "onedrive.com", "onedrive.live.com", "pcloud.com",
        "pcloud.link", "sharepoint.com", "terabox.com", "yadi.sk",
        # Anonymous and temporary file hosts.
        "0x0.st", "anonfile.com", "anonfiles.com", "anonymfile.com", "bashupload.com",
        "bayfiles.com", "buzzheavier.com", "catbox.moe", "dosya.co", "dropmefiles.com",
        "easyupload.io", "fex.net", "file.io", "filebin.net", "filemail.com", "files.fm",
        "filetransfer.io", "gofile.io", "krakenfiles.com", "limewire.com", "mediafire.com",
        "nippyfile.com", "oshi.at", "pixeldra.in", "pixeldrain.com", "qiwi.gg", "qu.ax",
        "racaty.io", "racaty.net", "sendspace.com", "temp.sh", "tmpfiles.org", "transfer.sh",
        "ufile.io", "uguu.se", "upload.ee", "uploadfiles.io", "uploadnow.io", "workupload.com",
        "zippyshare.com",
        # File lockers and transfer services (French ones included).
        "1fichier.com", "4shared.com", "dl.free.fr", "fromsmash.com", "grosfichiers.com",
        "nitroflare.com", "rapidgator.net", "sendgb.com", "swisstransfer.com", "transfer.it",
        "transfernow.net", "turbobit.net", "uptobox.com", "we.tl", "wetransfer.com",
    }
)  # fmt: skip
#: Path endings of archives, database dumps, spreadsheets and documents: never downloaded.
FILE_EXTENSIONS = (
    ".7z", ".bak", ".bz2", ".csv", ".db", ".doc", ".docx", ".dump", ".gz", ".jsonl", ".mdb",
    ".ndjson", ".ods", ".parquet", ".pdf", ".rar", ".sql", ".sqlite", ".tar", ".tgz", ".xls",
    ".xlsx", ".xz", ".zip", ".zst",
)  # fmt: skip
#: Request meta key: the request fetches a victim list a tracker publishes as CSV (a feed
#: source's configured URL, metadata only), so ``.csv`` is not refused for it.
TRACKER_EXPORT = "leakwatch_tracker_export"
#: Full stops a browser reads as "." in a host name (IDNA).
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def file_link_refusal(url: str, tracker_export: bool = False) -> str | None:
    """Why ``url`` must not be fetched because it is on a file host or is a file, or None.

    The host is read as a browser reads it (backslashes as slashes, percent escapes,
    full-width letters and dots), so a disguised link is refused like a plain one. A
    ``tracker_export`` (:data:`TRACKER_EXPORT`) may end in ``.csv``.
    """
    parts = urlsplit(url.replace("\\", "/"))
    file_host = known_file_host(parts.hostname or "")
    if file_host is not None:
        return f"link to the file host {file_host} refused: {url}"
    path = unquote(parts.path).lower().rstrip("/")
    for extension in FILE_EXTENSIONS:
        if path.endswith(extension) and not (tracker_export and extension == ".csv"):
            return f"link to a {extension} file refused: {url}"
    return None


def known_file_host(host: str) -> str | None:
    """The entry of :data:`FILE_HOSTS` that ``host`` is, or is a subdomain of, else None."""
    name = unicodedata.normalize("NFKC", unquote(host)).translate(_DOTS).lower().rstrip(".")
    labels = name.split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        if candidate in FILE_HOSTS:
            return candidate
    return None
