"""Problems found in the input, reported as ``path:line: message``.

Input problems are data, not exceptions: the readers collect them and the
build goes on with everything else. Only :class:`ContentError` stops a run,
for content the build cannot do without (a missing ``listings.yml``, say).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class Level(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


ERROR = Level.ERROR
WARNING = Level.WARNING


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str
    level: Level = Level.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.level is Level.WARNING else ""
        return f"{where}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR


class ContentError(Exception):
    """Content the build cannot go on without; carries its problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ConfigurationProblem(Exception):
    """The build tool's configuration cannot be used; the message says why."""
