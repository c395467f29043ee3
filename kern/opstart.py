"""What a long-running process does once its code is loaded."""

from __future__ import annotations

import gc

#: The collector's thresholds in a long-running process (:func:`gc.set_threshold`): a young
#: collection after 100,000 new container objects instead of Python's 700, the older
#: generations after ten of the one below, as Python's own.
DREMPELS = (100_000, 10, 10)


def langlevende_objecten_bevriezen() -> None:
    """Move every object the process holds now into the garbage collector's permanent
    generation (:func:`gc.freeze`), so its full collections no longer scan them, and let the
    collector run less often (:data:`DREMPELS`).

    Django's models, URLs and settings, the codec's tables and the compiled queries live as
    long as the process. Left in the collector's care, each full collection walked all of them:
    in the declaration benchmark ten such collections cost 0.66-0.70 s of a month's intake,
    0.11-0.13 s once frozen. Frozen objects are still freed when nothing refers to them, but a
    cycle among them never is: call this after start-up, not while work is in hand.

    The work itself makes objects by the hundred thousand (a message's model, the rows of a
    batch's contexts, its outcomes), nearly all freed by their reference counts and hardly any
    in cycles. With Python's threshold of 700 the collector walked them some 2,400 times in a
    month's intake in batches, 1.0-1.3 s of its 8-9 s of CPU; at 100,000 it runs 7 times,
    0.2 s, and the peak memory stays the same (227 MiB): what a cycle holds waits at most
    100,000 allocations longer.

    Called by the Celery worker processes, the WSGI application and ``bericht_inlezen`` (and
    the benchmark's pipeline, which stands in for a worker)."""
    gc.collect()  # what start-up left behind goes now, not frozen with the rest
    gc.freeze()
    gc.set_threshold(*DREMPELS)
