"""The machine's cores, and how the build starts a process on another one."""
from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import sys
import threading


def count() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def context() -> multiprocessing.context.ForkContext | multiprocessing.context.SpawnContext:
    """How to start a process: forked (quick, and it shares what is read)
    while this thread is the only one, since a fork copies only the calling
    thread; started anew otherwise (a live preview's server runs others)."""
    alone = threading.active_count() == 1 and sys.platform == "linux"
    return multiprocessing.get_context("fork") if alone else multiprocessing.get_context("spawn")
