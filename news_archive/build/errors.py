"""How a build stops: BuildFailed, whose message is the one line the command prints."""

from __future__ import annotations


class BuildFailed(Exception):
    """The build stopped; the previous database, if any, is untouched."""
