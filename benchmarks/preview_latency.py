"""How long an edited summary takes to reach the page a live preview serves.

Starts `mkdocs serve --dirty` (as `make serve` does) on a copy of the project,
edits one summary N times, and reports the seconds from each write until the
served paper page shows the edit.

    .venv/bin/python benchmarks/preview_latency.py [--edits 5]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from generator.preview import Preview, copy_project

ROOT = Path(__file__).resolve().parent.parent
PAPER = "grokking-tickets-lottery-tickets-accelerate-grokking"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(ROOT, Path(tmp) / "project")
        summary = project / "content" / "summaries" / f"{PAPER}.md"
        with Preview(project) as server:
            time.sleep(3)  # let the first build's own follow-up rebuild settle
            seconds = []
            for n in range(args.edits):
                token = f"edit-number-{n}-{time.time_ns()}"
                summary.write_text(f"---\npaper: {PAPER}\ncontributors: [Benchmark]\n---\n"
                                   f"{token}.\n")
                seconds.append(server.wait_for(  # token bound now: the edit this waits for
                    lambda token=token: token in (server.get(f"papers/{PAPER}/") or ""),
                    timeout=60))
                time.sleep(4)  # the next edit starts from a quiet server
    print(f"edits: {len(seconds)}; seconds to served page: "
          + ", ".join(f"{s:.2f}" for s in seconds)
          + f"; median {statistics.median(seconds):.2f}, max {max(seconds):.2f}")


if __name__ == "__main__":
    main()
