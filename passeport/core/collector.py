"""Garbage-collector settings for long batch work (a deposit's reception and processing).

CPython's cyclic collector runs a generation-0 pass every 700 net container allocations and,
every hundred of those or so, a full pass over every tracked object of the process — Django's
modules, models and URL resolvers included. A 200 000-passage deposit allocates millions of
short-lived rows and dicts, almost none of them in reference cycles (reference counting frees
them), and its processing triggered about thirty full passes: 2 of its 16 seconds
(bench/bench_deposit_pipeline.py, docs/depots.md « Mesures »).

`batch_work()` spaces the generation-0 passes (`BATCH_THRESHOLD`) for its duration, which
spaces the full ones as much: cycles are still collected, less often. The threshold is restored
when the last nested or concurrent user (threads of a web server) leaves.
"""

import contextlib
import gc
import threading

BATCH_THRESHOLD = 20_000

_lock = threading.Lock()
_users = 0
_saved: tuple[int, ...] = ()


@contextlib.contextmanager
def batch_work():
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(_saved[0], BATCH_THRESHOLD), *_saved[1:])
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                gc.set_threshold(*_saved)
