"""YAML reading that remembers line numbers, so messages can name them.

Content YAML comes from strangers' pull requests, so it is read with limits:
a file's size, and how far its aliases (``*name``) may multiply its values
(a "billion laughs" file of a few lines would otherwise expand to billions).
Files are read by libyaml where PyYAML has it (the survey's metadata file in
a quarter of the time), and by PyYAML's own parser where libyaml refuses a
file or the file nests too deeply for it: the messages are PyYAML's.
"""
from __future__ import annotations

import contextlib
import re
from pathlib import Path

import yaml

from .errors import ContentError, Problem
from .files import MB, read_limited

YAML_MAX = 1 * MB  # far above any survey's curated files
ALIAS_GROWTH_MAX = 10_000  # values that aliases may add to a file's own


class LineDict(dict):
    """A mapping read from YAML, with the line it starts on, each key's line,
    and the keys given twice (YAML keeps the last; a person meant one)."""

    line: int = 0
    key_lines: dict
    duplicates: tuple = ()
    written: dict  # each plain value as the file writes it (a message quotes that)


class LineList(list):
    """A list read from YAML, with the line each item starts on."""

    line: int = 0
    item_lines: tuple = ()


class SourceFloat(float):
    """A number as YAML read it, with the text it was written as: 2401.01230
    is read as 2401.0123, and a hint to quote it must show what was written."""

    source: str


class _Loader(yaml.SafeLoader):
    first_line = 1  # the file line the text starts on (front matter: 2)


# libyaml's parser, where PyYAML has it, reads a file several times faster;
# a file it refuses is read again by PyYAML's own, whose messages (and the
# hints below) are the ones a contributor sees.
if getattr(yaml, "__with_libyaml__", False):
    class _Fast(yaml.CSafeLoader):
        first_line = 1
else:
    _Fast = _Loader  # type: ignore[misc,assignment]
_LOADERS: tuple[type[_Loader] | type[_Fast], ...] = tuple(dict.fromkeys((_Loader, _Fast)))


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict(loader.construct_mapping(node, deep=True))
    result.line = node.start_mark.line + loader.first_line
    result.key_lines, duplicates = {}, []
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        value, line = loader.construct_object(key), key.start_mark.line + loader.first_line
        if value in result.key_lines:
            duplicates.append((line, f"key {value!r} is given twice (also at line "
                                     f"{result.key_lines[value]}); only this one is used: "
                                     "remove one"))
        result.key_lines[value] = line
    result.duplicates = tuple(duplicates)
    result.written = {k.value: v.value for k, v in node.value
                      if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_sequence(node, deep=True))
    result.line = node.start_mark.line + loader.first_line
    result.item_lines = tuple(item.start_mark.line + loader.first_line for item in node.value)
    return result


def _text(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = loader.construct_yaml_str(node)
    # A double-quoted "\ud800" makes a lone surrogate: no page can hold it as
    # UTF-8, so it is an error here rather than a crash when pages are written.
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a lone surrogate escape (such as \"\\ud800\") is not a character",
                node.start_mark) from None
    return value


def _timestamp(loader: _Loader, node: yaml.ScalarNode):
    # YAML makes 2024-02-30 a date and fails on it; kept as text, it becomes
    # the reader's "impossible date" message rather than a crash.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return node.value


def _float(loader: _Loader, node: yaml.ScalarNode) -> float:
    number = SourceFloat(loader.construct_yaml_float(node))
    number.source = node.value
    return number


for _loader in _LOADERS:
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
    _loader.add_constructor("tag:yaml.org,2002:str", _text)
    _loader.add_constructor("tag:yaml.org,2002:float", _float)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _expanded(node: yaml.Node, sizes: dict, open_: set) -> int:
    """How many values ``node`` stands for with every alias expanded."""
    if id(node) in sizes:
        return sizes[id(node)]
    if id(node) in open_:
        raise _Loop(node)
    open_.add(id(node))
    children = node.value if isinstance(node, yaml.SequenceNode) else (
        [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else [])
    size = 1 + sum(_expanded(child, sizes, open_) for child in children)
    open_.discard(id(node))
    sizes[id(node)] = size
    return size


class _Loop(Exception):
    def __init__(self, node: yaml.Node):
        self.node = node


def _check_aliases(node: yaml.Node, path: str, first_line: int) -> None:
    sizes: dict = {}
    try:
        total = _expanded(node, sizes, set())
    except _Loop as loop:
        line = loop.node.start_mark.line + first_line
        raise ContentError([Problem(path, line, "not valid content: an alias (*name) stands "
                                    "inside the value it names, a loop")]) from None
    if total - len(sizes) > ALIAS_GROWTH_MAX:
        raise ContentError([Problem(path, None, f"not read: its aliases (*name) expand it to "
                                    f"{total:,} values, more than {ALIAS_GROWTH_MAX:,} beyond its "
                                    "own (a \"billion laughs\" YAML bomb?); write the values out")])


def load_yaml(text: str, path: str, first_line: int = 1):
    """Parse YAML text that starts on ``first_line`` of its file; a syntax
    error becomes a ContentError naming the line, with a hint at the fix
    where the usual cause is known."""
    if _Fast is not _Loader and _shallow(text):
        with contextlib.suppress(ContentError):
            return _load(_Fast, text, path, first_line)
    return _load(_Loader, text, path, first_line)  # its message, or what libyaml refused


DEEP = 100  # levels of nesting past which a text is left to PyYAML's own parser


def _shallow(text: str) -> bool:
    """Whether the text nests at most ``DEEP`` levels, as libyaml's events
    show (its parser keeps a stack; PyYAML's composer over it recurses in C,
    and a text nested a hundred thousand levels deep would crash it)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Fast):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > DEEP:
                    return False
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return False
    return True


def _load(kind: type, text: str, path: str, first_line: int):
    try:
        loader = kind(text)  # PyYAML's reader refuses a character no YAML file may hold
    except yaml.reader.ReaderError as err:
        raise ContentError([_unprintable(err, text, path, first_line)]) from None
    loader.first_line = first_line
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_aliases(node, path, first_line)
        return loader.construct_document(node)
    except RecursionError:  # nesting thousands of levels deep
        raise ContentError([Problem(path, None, "not valid content: nested too deeply")]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(err, "problem", None) or str(err)
        hint = _hint(reason, text, line)
        line = line + first_line - 1 if line else None
        raise ContentError([Problem(path, line, f"not valid YAML: {reason}{hint}")]) from None
    finally:
        loader.dispose()


def _unprintable(err: yaml.reader.ReaderError, text: str, path: str, first_line: int) -> Problem:
    code = err.character  # read from text, the character's code
    line = text.count("\n", 0, err.position) + first_line
    return Problem(path, line, f"not valid YAML: character U+{code:04X} is not allowed in a "
                               f"YAML file: remove it (in a double-quoted value, write it as "
                               f"\\u{code:04x})")


_KEY_VALUE = re.compile(r"^(\s*(?:-\s+)?[^\s:#\"'][^:#]*?):\s+(.+?)\s*$")


def _hint(reason: str, text: str, line: int | None) -> str:
    source = text.split("\n")[line - 1] if line and line <= text.count("\n") + 1 else ""
    if reason.startswith("mapping values are not allowed"):
        found = _KEY_VALUE.match(source)
        if found:
            quoted = found[2].replace("\\", "\\\\").replace('"', '\\"')
            return (f"; a value holding ': ' must be in quotes: write "
                    f"{found[1].strip()}: \"{quoted}\"")
        return "; a value holding ': ' must be in quotes"
    if "'\\t'" in reason:
        return "; indent with spaces: YAML does not allow tabs there"
    if "cannot start any token" in reason:
        return "; put the value in quotes"
    if reason.startswith("could not determine a constructor"):
        return "; content files use no YAML tags ('!!name' or '!name'): remove it"
    return ""


def read_yaml(path: Path, shown: str, root: Path | None = None):
    """Read and parse a YAML file; ``shown`` is how messages name it, and a
    file that ``root`` does not hold is refused (see files.read_limited)."""
    if not Path(path).exists() and not Path(path).is_symlink():
        raise ContentError([Problem(shown, None, "file not found")])
    data, reason = read_limited(Path(path), YAML_MAX, root)
    if data is None:
        raise ContentError([Problem(shown, None, reason)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ContentError([Problem(shown, None, f"not UTF-8 text ({err.reason})")]) from None
    return load_yaml(text, shown)
