"""What a URL is to the archive: a valid http(s) URL or not, its canonical spelling, its domain.

The canonical spelling is one per article, so versions and links meet on the same key.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that track a reader or pick a page layout; they never name another article.
_NOISE_PARAMETERS = re.compile(r"\A(utm_\w+|searchResultPosition|ref|ref_src|smid|smtyp|full|hl|src)\Z")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
# Schemes are case-insensitive (RFC 3986), "HTTPS://" included.
HTTP_SCHEME = re.compile(r"https?://", re.I)


def is_http_url(url: str) -> bool:
    """An absolute http(s) URL with a host and, if any, a valid port: what a header, a link or an
    image may point to."""
    if not HTTP_SCHEME.match(url):
        return False
    try:
        parts = urlsplit(url)
        return bool(parts.hostname) and (parts.port is None or parts.port > 0)
    except ValueError:  # "http://[::1", "https://host:abc/"
        return False


def canonical_url(url: str) -> str:
    """https, lower-case host, no fragment or tracking parameters, one percent-encoding, no '//'."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/{2,}", "/", quote(unquote(parts.path), safe=_PATH_SAFE)) or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _NOISE_PARAMETERS.match(k)]
    return urlunsplit(("https", host, path, urlencode(query), ""))


def domain_of(url: str) -> str | None:
    """The host without 'www.', for http(s) URLs only (protocol-relative '//host/...' counts)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https", "") or not parts.hostname:
        return None
    return parts.hostname.lower().removeprefix("www.")
