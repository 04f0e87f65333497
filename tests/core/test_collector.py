"""core.collector.batch_work: the garbage collector's settings during a deposit's work."""

import gc
import threading
import weakref

from passeport.core.collector import BATCH_THRESHOLD, batch_work


class _Cycle:
    def __init__(self):
        self.me = self


def test_batch_work_spaces_collections_and_restores_the_threshold():
    before = gc.get_threshold()
    with batch_work():
        assert gc.get_threshold() == (max(before[0], BATCH_THRESHOLD), *before[1:])
        with batch_work():  # nested: the outer one restores
            pass
        assert gc.get_threshold()[0] == max(before[0], BATCH_THRESHOLD)
    assert gc.get_threshold() == before


def test_the_threshold_is_restored_after_an_error():
    before = gc.get_threshold()
    try:
        with batch_work():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before


def test_cycles_are_still_collected():
    with batch_work():
        alive = []
        for _ in range(3 * BATCH_THRESHOLD):  # enough allocations for a generation-0 pass
            cycle = _Cycle()
            if not alive:
                alive.append(weakref.ref(cycle))
            del cycle
        assert alive[0]() is None


def test_concurrent_users_restore_once_the_last_leaves():
    before = gc.get_threshold()
    entered, leave = threading.Event(), threading.Event()

    def other():
        with batch_work():
            entered.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    assert entered.wait(5)
    with batch_work():
        pass
    assert gc.get_threshold()[0] == max(before[0], BATCH_THRESHOLD)  # the other is still in
    leave.set()
    thread.join(5)
    assert gc.get_threshold() == before
