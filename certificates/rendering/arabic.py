"""Arabic text for reportlab: shaping and visual ordering.

reportlab draws glyphs left to right, one per code point, without shaping. Arabic is
therefore shaped with ``arabic_reshaper`` (contextual presentation forms, lam-alef
ligatures) and put in visual order with python-bidi's pure-Python
``bidi.algorithm.get_display``, which mirrors brackets and guillemets (the Rust
``bidi.get_display`` does not). Wrapping happens on the logical text, line by line,
before reordering: reordering a whole paragraph then cutting it would put the
end of the sentence on the first line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import arabic_reshaper
from bidi.algorithm import get_display

_reshaper = arabic_reshaper.ArabicReshaper(
    configuration={"delete_harakat": False, "support_ligatures": True}
)


def _words(text: str) -> list[str]:
    """Words separated by ordinary spaces: a no-break space (French "Durée\u00a0:",
    "100\u00a0%") joins, as it does on screen."""
    return [word for word in re.split(r"[ \t\r\n]+", text) if word]


def arabic_visual(text: str) -> str:
    """One logical line of Arabic (possibly mixed with Latin and digits) in visual order."""
    if not text:
        return ""
    return get_display(_reshaper.reshape(text), base_dir="R")


def arabic_lines(text: str, *, width: float, measure: Callable[[str], float]) -> list[str]:
    """Wraps logical ``text`` to ``width`` and returns each line in visual order.

    ``measure`` gives the width of a shaped string (e.g. ``stringWidth`` bound to a
    font and size). A word longer than the width gets a line of its own.
    """
    lines: list[list[str]] = []
    current: list[str] = []
    for word in _words(text):
        candidate = current + [word]
        if current and measure(_reshaper.reshape(" ".join(candidate))) > width:
            lines.append(current)
            current = [word]
        else:
            current = candidate
    if current:
        lines.append(current)
    return [arabic_visual(" ".join(words)) for words in lines]


def latin_lines(text: str, *, width: float, measure: Callable[[str], float]) -> list[str]:
    lines: list[list[str]] = []
    current: list[str] = []
    for word in _words(text):
        candidate = current + [word]
        if current and measure(" ".join(candidate)) > width:
            lines.append(current)
            current = [word]
        else:
            current = candidate
    if current:
        lines.append(current)
    return [" ".join(words) for words in lines]
