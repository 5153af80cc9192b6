"""Pagefind's index files made the same on every run.

Pagefind keeps a record's filters and sort keys, and its filters' values, in
hash maps that it seeds at random each run, and writes them in that order: the
same records gave different filter, fragment and metadata files (and names)
each time. Its own code notes it ("Change filter indexes to BTree to give them
a stable hash"). This module puts them in order: fragments' JSON with sorted
keys, each filter's values and the metadata's filters and sort orders by name;
it names filter and metadata files by a hash of their content, as Pagefind
does, and pages by their place in the metadata (see ``_numbered``).

The files are gzip-compressed; inside, after a signature, a fragment is JSON
and the others are CBOR arrays (strings, integers, arrays: all this module
reads and writes).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
TAG = 6  # hex digits of the tag in pages' names (see _numbered)


class BundleError(Exception):
    pass


def canonical(bundle: dict[str, bytes], first: int = 0) -> dict[str, bytes]:
    """The bundle with its files in a fixed order and named by their content.
    Pages (fragments) are numbered in the metadata's order from ``first``:
    a page's name is its id in a search of merged indexes, so the shards of
    one index, numbered on from each other, name no two pages alike."""
    rewritten = r"(fragment|filter)/|pagefind\..*\.pf_meta$|pagefind-entry\.json$"
    result = {p: b for p, b in bundle.items() if not re.match(rewritten, p)}
    entry = json.loads(bundle[ENTRY])
    metas = {language: decode(unpack(bundle[f"pagefind.{info['hash']}.pf_meta"]))
             for language, info in sorted(entry["languages"].items())}
    order = [page[0] for meta in metas.values() for page in meta[1]]
    fragments = _numbered(bundle, order, first, result)
    filters = _renamed(bundle, "filter", ".pf_filter", _filter, result)
    for language, info in sorted(entry["languages"].items()):
        meta = _meta(metas[language], fragments, filters)
        info["hash"] = _name(language, meta, 10)
        result[f"pagefind.{info['hash']}.pf_meta"] = _pack(meta)
    result[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return result


def _numbered(bundle, order: list[str], first: int, result) -> dict[str, str]:
    """Name each page by its place: ``en_<tag><n>``. Every reader loads every
    name (in the metadata), and numbers in order cost it less than hashes; the
    tag, a hash of all the bundle's pages, gives a changed page a new name (a
    browser never takes a page it cached from an earlier build for it)."""
    contents = {path[len("fragment/"): -len(".pf_fragment")]: _fragment(unpack(data))
                for path, data in bundle.items() if path.startswith("fragment/")}
    if sorted(order) != sorted(contents):
        raise BundleError("the search index's pages and its metadata do not agree")
    tag = hashlib.sha256(b"\n".join(sorted(contents.values()))).hexdigest()[:TAG]
    names = {old: f"{old.split('_')[0]}_{tag}{first + n}" for n, old in enumerate(order)}
    for old, new in names.items():
        result[f"fragment/{new}.pf_fragment"] = _pack(contents[old])
    return names


def _renamed(bundle, folder, suffix, rewrite, result) -> dict[str, str]:
    """Rewrite each file of a folder; return {old hash: new hash}. Names are
    as short as Pagefind's, made longer where two would be the same."""
    names: dict[str, str] = {}
    for path in sorted(p for p in bundle if p.startswith(folder + "/")):
        old = path[len(folder) + 1: -len(suffix)]
        content, length = rewrite(unpack(bundle[path])), 7
        while f"{folder}/{_name(old.split('_')[0], content, length)}{suffix}" in result:
            length += 1
        names[old] = _name(old.split("_")[0], content, length)
        result[f"{folder}/{names[old]}{suffix}"] = _pack(content)
    return names


def _name(language: str, content: bytes, length: int) -> str:
    return f"{language}_{hashlib.sha256(content).hexdigest()[:length]}"


def unpack(data: bytes) -> bytes:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise BundleError("a search index file lacks Pagefind's signature")
    return raw[len(SIGNATURE):]


def _pack(content: bytes) -> bytes:
    return gzip.compress(SIGNATURE + content, compresslevel=9, mtime=0)


def _fragment(content: bytes) -> bytes:
    data = json.loads(content)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _filter(content: bytes) -> bytes:
    name, values = decode(content)
    return encode([name, sorted(values, key=lambda v: v[0])])


def _meta(fields: list, fragments: dict[str, str], filters: dict[str, str]) -> bytes:
    """Metadata: [version, pages, index chunks, filters, sort orders, meta fields]."""
    version, pages, chunks, named_filters, sorts, *rest = fields
    pages = [[fragments[hash_], *more] for hash_, *more in pages]
    named_filters = sorted([name, filters[hash_]] for name, hash_ in named_filters)
    sorts = sorted(sorts, key=lambda s: s[0])
    rest = [sorted(r) if all(isinstance(v, str) for v in r) else r for r in rest]
    return encode([version, pages, chunks, named_filters, sorts, *rest])


# -- CBOR: unsigned and negative integers, text and byte strings, arrays ---------------------

def decode(data: bytes):
    value, end = _decode(data, 0)
    if end != len(data):
        raise BundleError("unexpected data after a search index structure")
    return value


def _decode(data: bytes, at: int):
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        n = info
    elif info <= 27:
        size = 1 << (info - 24)
        n, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise BundleError(f"unreadable search index structure (CBOR {major}/{info})")
    if major == 0:
        return n, at
    if major == 1:
        return -1 - n, at
    if major in (2, 3):
        chunk = data[at:at + n]
        return (chunk.decode("utf-8") if major == 3 else bytes(chunk)), at + n
    if major == 4:
        items = []
        for _ in range(n):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise BundleError(f"unreadable search index structure (CBOR {major}/{info})")


def encode(value) -> bytes:
    if isinstance(value, bool):
        raise BundleError("no booleans in the search index structures")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(v) for v in value)
    raise BundleError(f"cannot write {type(value).__name__} into the search index")


def _head(major: int, n: int) -> bytes:
    """The shortest head for a number, as CBOR's preferred serialisation has it."""
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise BundleError("a number too large for the search index")
