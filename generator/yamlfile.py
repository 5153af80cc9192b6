"""YAML reading that remembers line numbers, so messages can name them."""
from __future__ import annotations

import yaml

from .errors import ContentError, Problem


class LineDict(dict):
    """A mapping read from YAML, with the line it starts on and each key's line."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A sequence read from YAML, with the line it starts on and each item's line."""

    line: int = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict(loader.construct_mapping(node, deep=True))
    result.line = node.start_mark.line + 1
    result.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value
                        if isinstance(k, yaml.ScalarNode)}
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_sequence(node, deep=True))
    result.line = node.start_mark.line + 1
    result.item_lines = [item.start_mark.line + 1 for item in node.value]
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


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:str", _text)


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
