"""YAML reading that remembers line numbers, so messages can name them."""
from __future__ import annotations

import yaml

from .errors import ContentError, Problem


class LineDict(dict):
    """A mapping read from YAML, with the line it starts on, each key's line,
    and each plain value as written (``2310.19470`` before YAML makes it the
    number 2310.1947), so that a message can quote what the file says."""

    line: int = 0
    key_lines: dict
    written: dict


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict(loader.construct_mapping(node, deep=True))
    result.line = node.start_mark.line + 1
    result.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value
                        if isinstance(k, yaml.ScalarNode)}
    result.written = {k.value: v.value for k, v in node.value
                      if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}
    return result


class LineList(list):
    """A list read from YAML, with the line each item starts on."""

    item_lines: list[int]


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_sequence(node, deep=True))
    result.item_lines = [item.start_mark.line + 1 for item in node.value]
    return result


def _timestamp(loader: _Loader, node: yaml.ScalarNode):
    # YAML makes 2024-02-30 a date and fails on it; kept as text, it becomes
    # the reader's "impossible date" message rather than a crash.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return node.value


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


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor("tag:yaml.org,2002:str", _text)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_yaml(text: str, path: str):
    """Parse YAML text; a syntax error becomes a ContentError naming the line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(err, "problem", None) or str(err)
        raise ContentError([Problem(path, line, f"not valid YAML: {reason}")]) from None


def read_yaml(path, shown: str):
    """Read and parse a YAML file; ``shown`` is how messages name it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ContentError([Problem(shown, None, "file not found")]) from None
    except UnicodeDecodeError as err:
        raise ContentError([Problem(shown, None, f"not UTF-8 text ({err.reason})")]) from None
    return load_yaml(text, shown)
