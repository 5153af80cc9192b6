"""Run a command and measure its whole process tree: wall time, CPU time of
every process in it, and peak memory (the sum of all its processes' resident
sets, sampled every 50 ms from /proc)."""
from __future__ import annotations

import resource
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

INTERVAL = 0.05  # seconds between memory samples


def children(pid: int) -> list[int]:
    """The processes ``pid`` started, as /proc lists them (one level)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += children(current)
    return tree


def resident(pid: int) -> tuple[str, int]:
    """A process's name and resident set in bytes (0 once it has gone)."""
    name, kb = "?", 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Name:"):
                name = line.split(None, 1)[1] if len(line.split()) > 1 else "?"
            elif line.startswith("VmRSS:"):
                kb = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return name, kb * 1024


@dataclass
class MemorySampler:
    """Samples a process tree's memory in a thread until stopped."""

    pid: int
    peak: int = 0  # bytes, all processes of the tree together
    peak_by_name: dict[str, int] = field(default_factory=dict)  # each process's own peak
    at_peak: dict[str, int] = field(default_factory=dict)  # who held the memory at the peak
    samples: int = 0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> MemorySampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        sizes = [resident(pid) for pid in process_tree(self.pid)]
        total = sum(size for _, size in sizes)
        for name, size in sizes:
            self.peak_by_name[name] = max(self.peak_by_name.get(name, 0), size)
        if total > self.peak:
            self.peak = total
            self.at_peak = {}
            for name, size in sizes:
                self.at_peak[name] = self.at_peak.get(name, 0) + size
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(INTERVAL)


@dataclass
class Measured:
    command: list[str]
    returncode: int
    wall: float  # seconds
    cpu: float  # user + system seconds of the whole tree
    peak_rss: int  # bytes, the whole tree
    peak_by_name: dict[str, int]
    at_peak: dict[str, int]
    stdout: str
    stderr: str


def run(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Measured:
    """Run ``command`` to its end. Its CPU time is what the benchmark's own
    children used meanwhile (getrusage(RUSAGE_CHILDREN) counts every
    descendant that was waited for), so commands must run one at a time."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=out, stderr=err)
        sampler = MemorySampler(process.pid).start()
        returncode = process.wait()
        wall = time.monotonic() - start
        sampler.stop()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return Measured(list(command), returncode, wall, cpu, sampler.peak,
                        sampler.peak_by_name, sampler.at_peak, _text(out), _text(err))


def _text(file) -> str:
    file.seek(0)
    return file.read().decode("utf-8", "replace")
