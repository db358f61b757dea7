"""An Atom feed (RFC 4287) of search results: subscribe to a search."""

from __future__ import annotations

from datetime import datetime, timezone
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"


def feed(title: str, feed_url: str, page_url: str, entries: list[dict], updated: str | None = None) -> bytes:
    """entries: dicts with id (a stable URL or tag URI), title, link, published (ISO), summary, author."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _text(root, "title", title)
    _text(root, "id", feed_url)
    ET.SubElement(root, f"{{{ATOM}}}link", rel="self", href=feed_url, type="application/atom+xml")
    ET.SubElement(root, f"{{{ATOM}}}link", rel="alternate", href=page_url, type="text/html")
    newest = max((entry["published"] for entry in entries if entry.get("published")), default=None)
    _text(root, "updated", _timestamp(updated or newest))
    _text(ET.SubElement(root, f"{{{ATOM}}}author"), "name", "Chinese-language news archive")
    for entry in entries:
        item = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(item, "id", entry["id"])
        _text(item, "title", entry["title"] or "(untitled)")
        ET.SubElement(item, f"{{{ATOM}}}link", rel="alternate", href=entry["link"])
        if entry.get("url"):
            ET.SubElement(item, f"{{{ATOM}}}link", rel="via", href=entry["url"])
        _text(item, "updated", _timestamp(entry.get("published")))
        if entry.get("published"):
            _text(item, "published", _timestamp(entry["published"]))
        if entry.get("author"):
            _text(ET.SubElement(item, f"{{{ATOM}}}author"), "name", entry["author"])
        if entry.get("summary"):
            _text(item, "summary", entry["summary"])
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _text(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}").text = value


def _timestamp(iso: str | None) -> str:
    """An RFC 3339 time; a bare date becomes midnight UTC, no time at all the epoch."""
    if not iso:
        return "1970-01-01T00:00:00Z"
    if len(iso) == 10:
        return iso + "T00:00:00Z"
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return "1970-01-01T00:00:00Z"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
