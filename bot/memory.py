"""Keep a threaded server's memory flat.

glibc gives every thread that allocates its own malloc arena (up to 8 per core), and
memory freed in one arena is not reused by another: a worker running 16 request threads
and a Bolt listener pool keeps tens of MiB it no longer uses. Two arenas per process is
the usual remedy for threaded Python servers; it must be set before the threads start.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

logger = logging.getLogger(__name__)

M_ARENA_MAX = -8  # from glibc's malloc.h
SERVER_ARENAS = 2


def limit_malloc_arenas(arenas: int = SERVER_ARENAS) -> None:
    """Cap glibc's malloc arenas for this process and the workers it forks (no-op elsewhere)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        return
    if mallopt(M_ARENA_MAX, arenas) != 1:
        logger.debug("mallopt(M_ARENA_MAX) was refused")
