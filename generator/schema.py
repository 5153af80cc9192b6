"""Schemas for the content's YAML files: every key known, every value of its
kind, every required field present; each problem reported once, at its line.

A reader declares the fields of its file (or of the items of a list in it)
as a :data:`Schema` and calls :func:`validate`, which returns the fields
that passed and the problems of the rest. The reader then works on what
passed only: a field that failed has already been reported, and nothing
built on it is reported again.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Problem
from .yamlfile import LineDict, LineList


@dataclass(frozen=True)
class Kind:
    """What a value must be, as a test and as messages name it."""

    name: str
    test: Callable[[object], bool]
    text_like: bool = False  # a number or yes/no here was meant as text: quote it


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_texts(value: object) -> bool:
    """A list of non-blank text; an empty key ("in_title:") is an empty list."""
    return value is None or (isinstance(value, list)
                             and all(isinstance(v, str) and v.strip() for v in value))


TEXT = Kind("text", lambda v: isinstance(v, str) and bool(v.strip()), True)
INT = Kind("a whole number", _is_int)
BOOL = Kind("true or false", lambda v: isinstance(v, bool))
TEXTS = Kind("a list of text items", _is_texts, True)
TEXT_OR_TEXTS = Kind("text or a list of text items",
                     lambda v: (isinstance(v, str) and bool(v.strip())) or _is_texts(v), True)
MAPPING = Kind("a mapping (indented 'key: value' lines)", lambda v: isinstance(v, dict))
LIST = Kind("a list ('- ' items)", lambda v: isinstance(v, list))


def at_most(limit: int, what: str) -> Callable[[str], str | None]:
    """A check that text is no longer than ``limit`` characters: a title of
    a megabyte would be on every page."""
    def check(value: str) -> str | None:
        return (None if len(value) <= limit else
                f"{what} is {len(value):,} characters long; keep it under {limit:,}")
    return check


@dataclass(frozen=True)
class Field:
    kind: Kind
    required: bool = False
    about: str = ""  # what the field holds: said when it is missing
    # A further test of a value of the right kind: the message, or None. It is
    # called only once `kind.test` has passed, so it takes the kind's type
    # (str, int, ...): Any, since a Kind does not carry that type for mypy.
    check: Callable[[Any], str | None] | None = None
    items: Schema | None = None  # for a LIST of mappings: the fields of each
    item_name: str = "item"  # how messages name one of those items
    essential: bool = True  # an item of a list missing this field is left out


Schema = Mapping[str, Field]


def _close(word: object, known) -> list[str]:
    return difflib.get_close_matches(str(word).casefold(), list(known), n=1, cutoff=0.6)


def suggestion(word: object, known) -> str:
    """ "; did you mean 'title'?" for a near miss, or ""."""
    close = _close(word, known)
    return f"; did you mean {close[0]!r}?" if close else ""


def describe(value: object) -> str:
    """A value's kind in a message's words."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    names = {str: "text", int: "a number", float: "a number", list: "a list", dict: "a mapping"}
    return next((n for t, n in names.items() if isinstance(value, t)), type(value).__name__)


def validate(data: Mapping, schema: Schema, path: str, what: str = "",
             line: int | None = None) -> tuple[LineDict, list[Problem]]:
    """The fields of ``data`` that pass ``schema``, and a problem for each
    that does not: unknown keys (with the likely intended one), values of
    the wrong kind, missing required fields. ``what`` names the mapping in
    messages ("theme 'rl'"; nothing for a file's top level, which the
    message's path names); ``line`` is where it starts."""
    prefix = f"{what}: " if what else ""
    start = getattr(data, "line", None) or line
    key_lines = getattr(data, "key_lines", {})
    problems = [Problem(path, ln, message) for ln, message in getattr(data, "duplicates", ())]
    valid = LineDict()
    valid.line, valid.key_lines = start or 0, dict(key_lines)
    for key, value in data.items():
        at = key_lines.get(key, start)
        if value is None and key in schema and not schema[key].required:
            continue  # "key:" with nothing after it: as if it were not there
        message = _field_problem(key, value, schema, prefix)
        if message:
            problems.append(Problem(path, at, message))
            continue
        field = schema[key]
        if field.items is not None:
            value, item_problems = _items(value, field.items, path, field.item_name, at)
            problems += item_problems
        valid[key] = value
    meant = {close for key in data if key not in schema for close in _close(key, schema)}
    for key, field in schema.items():
        # Missing, and not written misspelt: that was said with "did you mean".
        if field.required and key not in data and key not in meant:
            about = f" ({field.about})" if field.about else ""
            problems.append(Problem(path, start, f"{prefix}missing {key!r}{about}"))
    return valid, problems


def _field_problem(key, value, schema: Schema, prefix: str) -> str | None:
    if key not in schema:
        known = ", ".join(schema)
        return f"{prefix}unknown key {key!r}{suggestion(key, schema)} (the keys are: {known})"
    field = schema[key]
    if not field.kind.test(value):
        wrong = _what_is_wrong(value, field.kind.text_like)
        return f"{prefix}{key!r} must be {field.kind.name}, not {wrong}"
    return field.check(value) if field.check else None  # a whole message


def _what_is_wrong(value, wants_text: bool) -> str:
    """The value's kind, and for a list the first item of the wrong kind; a
    number or yes/no that YAML read for text gets the hint to quote it."""
    if isinstance(value, list):
        bad = next(((i, v) for i, v in enumerate(value, 1)
                    if not (isinstance(v, (str, list)) and v)), None)
        if bad is not None:
            return f"a list whose item {bad[0]} is {_what_is_wrong(bad[1], wants_text)}"
    quote = "; put it in quotes" if wants_text and isinstance(value, (bool, int, float)) else ""
    return describe(value) + quote


def _items(value: list, schema: Schema, path: str, what: str,
           line: int | None) -> tuple[list, list[Problem]]:
    """The items of a list of mappings that pass; an item missing a required
    field is left out (reported once), one with a bad optional field keeps
    the rest."""
    kept, problems, kept_lines = LineList(), [], []
    lines = getattr(value, "item_lines", ())
    for i, item in enumerate(value):
        at = getattr(item, "line", None) or (lines[i] if i < len(lines) else line)
        if not isinstance(item, dict):
            problems.append(Problem(path, at, f"each {what} must be a mapping "
                                              f"('key: value' lines), not {describe(item)}"))
            continue
        valid, found = validate(item, schema, path, _label(item, schema, what), at)
        problems += found
        if all(k in valid for k, f in schema.items() if f.required and f.essential):
            kept.append(valid)
            kept_lines.append(at)
    kept.line, kept.item_lines = getattr(value, "line", line or 0), tuple(kept_lines)
    return kept, problems


def _label(item: Mapping, schema: Schema, what: str) -> str:
    """How messages name an item: "theme 'rl'", "listing 'a.txt'"."""
    key = next((k for k, f in schema.items() if f.required and f.kind is TEXT), None)
    value = item.get(key) if key else None
    return f"{what} {value!r}" if isinstance(value, str) and value.strip() else what
