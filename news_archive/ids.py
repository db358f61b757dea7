"""Stable integer ids derived from content, so rows keep their URLs across rebuilds."""

import hashlib

# 52 bits: every id survives a round trip through a JavaScript number (2**53) in Datasette's JSON.
ID_BITS = 52


def stable_id(*parts: object) -> int:
    """A positive integer that depends only on ``parts``."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - ID_BITS)
