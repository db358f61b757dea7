"""Make HTML and URLs taken from article files safe to put in a page.

Paragraph HTML goes through nh3 (the Rust ammonia sanitizer) with an allow-list of inline tags: the
page chooses each paragraph's block element from its kind, so <p>, <li>, <h2> … from the file are
dropped (their text stays). Images are never taken from paragraph HTML; figures come from the
figures table, with their URLs checked by safe_url.
"""

from __future__ import annotations

import nh3
from markupsafe import Markup

from ..parse.urls import is_http_url

TAGS = {"a", "b", "strong", "i", "em", "br", "small", "sup", "sub", "cite"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"
# Removed with their content; any other tag outside TAGS is removed and its text kept (escaped).
CONTENT_REMOVED = {"script", "style", "template", "noscript", "iframe", "object", "textarea", "title"}


def clean_html(html: str | None, base_url: str | None = None) -> Markup:
    """Inline HTML safe to render. Relative links are resolved against ``base_url`` (the article's
    URL) or, without a usable one, dropped: left as they are they would point into this site."""
    if not html:
        return Markup("")
    base = safe_url(base_url)
    return Markup(nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
        clean_content_tags=CONTENT_REMOVED,
        url_relative=("rewrite_with_base", base) if base else "deny",
    ))


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL, else None."""
    if not url:
        return None
    url = url.strip()
    return url if is_http_url(url) else None
