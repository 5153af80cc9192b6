"""Many pages of one shape from one frame of the theme's template.

At 10,000 papers the theme's template took most of the time MkDocs spends on
a paper page, though paper pages differ only in a few values: the title, the
address, the content, the citation's facts. A ``Frame`` is the template's page
rendered once with markers in those slots; a page is then the frame with its
values put in place of the markers.

That holds only where the template prints a slot's value as it is, so a frame
is made from two renders with different markers (``marked``, ``other``), and
kept only if putting the second markers into the first render gives the
second render exactly: a slot the template escapes, encodes, cuts, compares
or measures fails that check. The second markers hold the characters a
value may have (``PLAIN``: letters, digits, single spaces, a few marks), so
a value of only those characters is printed like the markers. The caller
also compares the first pages of each shape with the template's own render
(see ``mkdocs_plugin.PageFrames``), and renders any page a frame cannot make.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping

# A value the markers stand for: letters, digits and these marks, words
# separated by single spaces (a title; an address; a date; an author).
PLAIN = re.compile(r"(?:[\w:\-,.()?!/]+ )*[\w:\-,.()?!/]+")
OPEN, CLOSE = "\ue000", "\ue001"  # the first render's markers: private use, in no page
OTHER_OPEN, OTHER_CLOSE = "\ue002", "\ue003"
CONTENT = "content"  # the slot of the page's HTML: any HTML, holding its title (<h1)


def marked(slot: str) -> str:
    """The first render's marker for a slot."""
    if slot == CONTENT:
        return f"<h1>{OPEN}{slot}{CLOSE}</h1>"
    return f"{OPEN}{slot}{CLOSE}"


def other(slot: str) -> str:
    """The second render's marker: another length, capitals, a space, and
    the marks a plain value may hold (HTML's own characters, for the content)."""
    if slot == CONTENT:
        return f"<h1 id=\"x\">{OTHER_OPEN}<&\"'> B{OTHER_CLOSE}</h1>"
    return f"{OTHER_OPEN}{slot.upper()} Bb 9:-,.()?!/{OTHER_CLOSE}"


def plain(value: object) -> bool:
    return isinstance(value, str) and PLAIN.fullmatch(value) is not None


class Frame:
    """A page of the template with a marker in each slot."""

    def __init__(self, text: str, slots: tuple[str, ...]):
        self.text = text
        self.slots = slots
        # The text between the markers, and the slots: a page is one join.
        by_marker = {marked(slot): slot for slot in slots}
        self.pieces = [(by_marker.get(piece), piece) for piece in _split(text, slots) if piece]

    def fill(self, values: Mapping[str, str]) -> str:
        """The page with these values, one for every slot (each ``plain``,
        but the ``CONTENT``'s; none holding a marker)."""
        return "".join(piece if slot is None else values[slot] for slot, piece in self.pieces)


def make(render: Callable[[Callable[[str], str]], str], slots: tuple[str, ...]) -> Frame | None:
    """The frame ``render`` makes with each slot's marker (it is given the
    function that names a slot's marker), or None when the template does
    anything with a slot but print it as it is."""
    first, second = render(marked), render(other)
    frame = Frame(first, slots)
    # A slot printed otherwise than as it is (escaped, encoded, cut, taken
    # apart, compared, measured) does not print the second marker in its place.
    return frame if frame.fill({slot: other(slot) for slot in slots}) == second else None


def _split(text: str, slots: tuple[str, ...]) -> list[str]:
    """The text cut before and after each marker of the slots."""
    if not slots:
        return [text]
    return re.split("(" + "|".join(re.escape(marked(s)) for s in slots) + ")", text)


def holds_no_marker(value: str) -> bool:
    return not any(m in value for m in (OPEN, CLOSE, OTHER_OPEN, OTHER_CLOSE))
