"""Work on every core: rendering the pages, converting Markdown.

While the generators run, the writer only queues each page it is asked for
(``GuardedWriter.write_file``); once they are done, before anything reads
the rendered site, the queue is shared out: the build process and
``RENDER_PROCESSES - 1`` forked children each take the next page to render
(into the staging folder) until none is left. Forked, not a pool: a child
starts with the whole build — content objects, compiled templates,
fingerprints — for free, and only its results travel back.

What a child did comes back as plain data and is replayed in the build
process, so every plugin sees the build as if it had rendered alone:

- its log records (the error counter, ``--fatal``, the terminal, the
  devserver's overlay);
- the writer's announcements (``file_written``, ``file_carried`` and
  Pelican's ``content_written``: the link check, the sitemap);
- the files it wrote (the guard against two sources writing one file);
- whatever a plugin keeps for after the build, through ``keep()``: the
  incremental record, new QR drawings.

A page that failed in a child is rendered again by the build process, so
the error comes with its real traceback; so are the pages a child took
before it died.

``map_quietly`` shares out simpler work the same way (the Markdown bodies
of a clean build, plugins/metadata/reader.py): only results come back, and
an item whose work logged anything is left for the caller to do again.
"""

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import tempfile

from pelican import signals

from ..common import available_cores, setting

DEFAULTS = {
    # Processes rendering pages and Markdown: 0 = one per core (fewer for a small site);
    # 1 renders in the build process, after the generators like the others
    # (`make devserver` does: it serves from threads, which must not be
    # forked; so does each site of a network build, one site per core).
    "RENDER_PROCESSES": 0,
}
# With one per core: below this many pages (or files) a process, a fork
# costs more than it saves.
ITEMS_PER_PROCESS = 40

_kept = {}  # name -> (collect, merge): plugin state a child hands back


def keep(name, collect, merge):
    """``collect()`` runs in a child after its pages, and returns picklable
    data; ``merge(data)`` runs in the build process with it."""
    _kept[name] = (collect, merge)


def processes(settings, items):
    """How many processes share ``items`` pages or files."""
    if not hasattr(os, "fork"):  # pragma: no cover - Windows renders in one process
        return 1
    wanted = int(setting(settings, "RENDER_PROCESSES", DEFAULTS) or 0)
    if wanted:
        return max(1, min(wanted, items))
    return max(1, min(available_cores(), items // ITEMS_PER_PROCESS))


class _Captured(logging.Handler):
    """Every record a child logs, made picklable for the build process."""

    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        record.msg = record.getMessage()
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


@contextlib.contextmanager
def _capturing_logs():
    """Every record logged meanwhile goes to the yielded handler only."""
    root = logging.getLogger()
    captured, handlers = _Captured(), list(root.handlers)
    for handler in handlers:
        root.removeHandler(handler)
    root.addHandler(captured)
    try:
        yield captured
    finally:
        root.removeHandler(captured)
        for handler in handlers:
            root.addHandler(handler)


def _on_every_core(count, child_work, own_work):
    """Run ``child_work(share)`` in forked children for shares 1 … count-1
    and ``own_work()`` here; return ``[(share, outcome)]``, one for each
    child, the outcome None when it died."""
    children = []
    gc.collect()
    gc.freeze()  # objects the children inherit stay shared, not copied
    try:
        for share in range(1, count):
            results = tempfile.TemporaryFile()
            pid = os.fork()
            if pid == 0:  # never returns
                status = 1
                try:
                    gc.disable()  # short-lived: collecting would only copy shared pages
                    pickle.dump(child_work(share), results, protocol=pickle.HIGHEST_PROTOCOL)
                    results.flush()
                    status = 0
                finally:
                    os._exit(status)
            children.append((pid, share, results))
        try:
            own_work()
        finally:
            outcomes = [(share, _collect(pid, results)) for pid, share, results in children]
    finally:
        gc.unfreeze()
    return outcomes


def map_quietly(work, items, count):
    """``[work(item) for item in items]`` on ``count`` processes, None for
    an item whose work logged anything or failed: the caller does that one
    again itself, where its messages belong."""
    results = [None] * len(items)

    def share_of(share):
        done = {}
        with _capturing_logs() as captured:
            for index in range(share, len(items), count):
                logged = len(captured.records)
                try:
                    value = work(items[index])
                except Exception:
                    continue
                if len(captured.records) == logged:
                    done[index] = value
        return done

    def own_share():
        for index, value in share_of(0).items():
            results[index] = value

    for _, outcome in _on_every_core(count, share_of, own_share):
        for index, value in (outcome or {}).items():
            results[index] = value
    return results


class _Counter:
    """The next job, shared by the build process and its forked renderers:
    whoever is free takes it (a listing of a hundred pages is not the work
    of one article page, so fixed shares left one core idle)."""

    def __init__(self, total):
        self._next = multiprocessing.RawValue("q", 0)
        self._lock = multiprocessing.Lock()
        self._total = total

    def take(self):
        with self._lock:
            index = self._next.value
            if index >= self._total:
                return None
            self._next.value = index + 1
            return index

    def taken(self):
        return min(self._next.value, self._total)


def render(writer, jobs):
    """Render ``jobs`` (the writer's queue) on ``processes`` cores."""
    count = processes(writer.settings, len(jobs))
    if count == 1:
        for job in jobs:
            writer.render_job(job)
        return
    counter = _Counter(len(jobs))
    finished = set()

    def own_share():
        while (index := counter.take()) is not None:
            writer.render_job(jobs[index])
            finished.add(index)

    outcomes = _on_every_core(count, lambda share: _render_share(writer, jobs, counter), own_share)
    for _, outcome in outcomes:
        if outcome is not None:
            _merge(writer, jobs, outcome)
            finished.update(outcome["done"])
    # A page that failed in a child (it raises again, here, with its
    # traceback) and the pages a child took before it died.
    for index in range(counter.taken()):
        if index not in finished:
            writer.render_job(jobs[index])


def _render_share(writer, jobs, counter):
    """In a forked child: render jobs until there are none left."""
    announced, done = [], []
    writer.announce_to(announced)
    current = [None]
    signals.content_written.send = lambda path, context: announced.append(("content_written", current[0], path))
    with _capturing_logs() as captured:
        while (index := counter.take()) is not None:
            current[0] = index
            try:
                writer.render_job(jobs[index])
            except BaseException:  # the build process renders it again and raises
                break
            done.append(index)
    return {
        "records": captured.records,
        "announced": announced,
        "owners": writer.owners(),
        "done": done,
        "kept": {name: collect() for name, (collect, _) in _kept.items()},
    }


def _collect(pid, results):
    _, status = os.waitpid(pid, 0)
    try:
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        results.seek(0)
        return pickle.load(results)
    except (OSError, EOFError, pickle.UnpicklingError):
        return None
    finally:
        results.close()


def _merge(writer, jobs, outcome):
    for record in outcome["records"]:
        logging.getLogger(record.name).handle(record)
    writer.adopt_owners(outcome["owners"])
    for kind, *details in outcome["announced"]:
        if kind == "content_written":
            index, path = details
            job = jobs[index]
            signals.content_written.send(path, context={**job.snapshot, **job.kwargs})
        else:
            writer.replay(kind, details[0])
    for name, data in outcome["kept"].items():
        _kept[name][1](data)
