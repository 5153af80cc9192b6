"""Where a profiled build's Python time goes: by module and by function."""
from __future__ import annotations

import pstats
import re
from collections import defaultdict
from pathlib import Path

_SITE = re.compile(r".*/(?:site-packages|lib/python3\.\d+)/")


def module(filename: str) -> str:
    """A source file as a short module name ("markdown/inlinepatterns.py")."""
    if filename.startswith("~") or filename.startswith("<"):
        return "built-in functions"
    short = _SITE.sub("", filename)
    return short if short != filename else "/".join(Path(filename).parts[-2:])


def _owners(filename: str, own: float, callers: dict) -> list[tuple[str, float]]:
    """Whose time this is: a built-in function's time (a regular expression,
    a read, a join) goes to the modules that called it, by their share."""
    if module(filename) != "built-in functions" or not callers:
        return [(module(filename), own)]
    shares = {caller: values[2] for caller, values in callers.items()}
    total = sum(shares.values()) or 1.0
    return [(module(caller[0]) + " (built-ins it calls)", own * share / total)
            for caller, share in shares.items()]


def report(path: Path, wall: float, top: int = 25) -> str:
    stats = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    by_module: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, function), (_, calls, own, cumulative, callers) in stats.items():
        for name, seconds in _owners(filename, own, callers):
            by_module[name] += seconds
        rows.append((own, cumulative, calls, f"{module(filename)}:{line}({function})"))
    total = sum(by_module.values())
    lines = [f"profiled build: {wall:.1f} s wall; {total:.1f} s of CPU time in the "
             "profiled process (Pagefind runs in a process of its own, not in it; "
             "waiting for it costs no CPU time here)", "", "own seconds by module:"]
    for name, seconds in sorted(by_module.items(), key=lambda x: -x[1])[:top]:
        lines.append(f"  {seconds:7.2f}  {name}")
    lines += ["", "functions by own seconds (own, cumulative, calls):"]
    for own, cumulative, calls, name in sorted(rows, reverse=True)[:top]:
        lines.append(f"  {own:7.2f} {cumulative:7.2f} {calls:9d}  {name}")
    lines += ["", "functions by cumulative seconds:"]
    for own, cumulative, calls, name in sorted(rows, key=lambda r: -r[1])[:top + 15]:
        lines.append(f"  {cumulative:7.2f} {own:7.2f} {calls:9d}  {name}")
    return "\n".join(lines)
