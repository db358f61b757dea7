"""Chinese script in one place: the Han character ranges, and the OpenCC converters made once per process.

Parsing, places and search each compose the character class they need from the ranges below, and
the differences are deliberate: search leaves out the compatibility block, most of which NFKC (in
normalize()) has turned into unified ideographs; the segmenter's runs (places) are jieba-rs's own
ranges; a name in a byline (parsing) is written in unified ideographs only.
"""

from __future__ import annotations

from functools import cache

import opencc

# CJK Unified Ideographs: the characters of modern Chinese text.
UNIFIED = "\u4e00-\u9fff"
# Extension A: rare and old characters.
EXTENSION_A = "\u3400-\u4dbf"
# Compatibility ideographs: duplicates of unified ones, kept for round trips with older encodings.
COMPATIBILITY = "\uf900-\ufaff"
# Every Han block of the Basic Multilingual Plane.
BMP = EXTENSION_A + UNIFIED + COMPATIBILITY
# Planes 2 and 3: extensions B to H and the compatibility supplement.
SUPPLEMENTARY = "\U00020000-\U0003134f"
# The part of planes 2 and 3 that jieba-rs (rjieba) segments as Han (its RE_HAN_DEFAULT).
SEGMENTER_SUPPLEMENTARY = "\U00020000-\U0002a6df\U0002a700-\U0002ebef\U0002f800-\U0002fa1f"


@cache
def converter(config: str) -> opencc.OpenCC:
    """OpenCC's converter for a configuration ("t2s": Traditional to Simplified, "s2t": back)."""
    return opencc.OpenCC(config)
