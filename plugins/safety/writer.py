"""The one Writer of a Linli build. It knows no other plugin: it says what
it does through the build events (plugins/events.py) and asks them one
question — may this page be carried over from the previous build?

- Two things written to one file are an error naming both, never a silent
  overwrite (Pelican lets a page's ``save_as: index.html`` replace the home
  page) nor a traceback (its FileOverwriteFailedError).
- Each page is announced when it is asked for (``page_queued``), before it
  renders (``page_rendering``: a receiver may answer with the previous
  build's file, which is then linked in instead), after (``page_rendered``)
  and once written (``file_written`` with its text, or ``file_carried``).
- Feeds are read off-site, by feed readers: their links and the images in
  their content use the public address even in a relative-URL preview build.
- Pages are queued while the generators run and rendered afterwards on
  every core (``render_queued``, plugins/safety/parallel.py).
"""

import contextlib
import io
import os
import shutil
from typing import NamedTuple

from blinker import signal
from pelican import signals
from pelican.contents import Content
from pelican.paginator import Paginator
from pelican.utils import get_relative_path, path_to_url
from pelican.writers import Writer

from ..common import INTRASITE_LINK, SITE_FILES, public_site_url, relative_path, report_error
from ..events import (
    feed_queued, file_carried, file_written, page_queued, page_rendered, page_rendering, pages_rendering,
)
from . import duplicates, parallel

_MISSING = object()
_active = None  # the writer of the build in progress



class _Announced(io.TextIOBase):
    """The written file, whose text is announced once it is closed."""

    def __init__(self, handle, announce):
        self._handle = handle
        self._announce = announce
        self._parts = []

    def writable(self):
        return True

    def write(self, text):
        self._parts.append(text)
        return self._handle.write(text)

    def close(self):
        if not self.closed:
            self._handle.close()
            super().close()
            self._announce("".join(self._parts))


def _piece_source(kwargs):
    for key in ("article", "page", "notice", "album"):
        item = kwargs.get(key)
        if item is not None and getattr(item, "source_path", None):
            return item.source_path
    return None


def _describe(kwargs, template):
    source = _piece_source(kwargs)
    if source:
        return relative_path(source)
    name = getattr(template, "name", None) or "?"
    return f"模板 template {name}"


class Job(NamedTuple):
    """One ``write_file`` call, kept until the pages are rendered."""

    name: str
    template: object
    context: dict  # the generators' shared context (content objects read it)
    snapshot: dict  # what it held at the call
    options: dict  # Pelican's named parameters (relative_urls, paginated …)
    kwargs: dict  # the page's own variables (article=…)


class FeedJob(NamedTuple):
    """One ``write_feed`` call."""

    items: list
    context: dict  # a copy of the shared context at the call
    args: tuple
    kwargs: dict


class _AskingTemplate:
    """A template whose render() first asks ``page_rendering`` whether the
    page can be carried over from the previous build."""

    def __init__(self, template, writer):
        self._template = template
        self._writer = writer

    def render(self, context):
        template, writer = self._template, self._writer
        for _, previous in page_rendering.send(writer, template=template, context=context):
            if previous:
                writer._carried[context["output_file"]] = previous
                return ""
        text = template.render(context)
        page_rendered.send(writer, template=template, context=context, text=text)
        return text

    def __getattr__(self, name):
        return getattr(self._template, name)


class GuardedWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._owners = {}
        self._inherited = frozenset()  # owners a forked renderer started with
        self._source = "?"
        self._piece = None
        self._template = None
        self._announced = None  # a forked renderer's announcements, kept for the build process
        # Pages wait here until the generators are done, then render on every
        # core — or, on one (RENDER_PROCESSES = 1), here, with every address
        # formatted once (final_urls).
        self._queue = []
        self._last_snapshot = None
        self._carried = {}  # output name -> the previous build's file it is carried over from
        global _active
        _active = self

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        options = {"relative_urls": relative_urls, "paginated": paginated, "template_name": template_name,
                   "override_output": override_output, "url": url}
        job = Job(name, template, context, self._snapshot(context), options, kwargs)
        if name:  # Pelican writes nothing for an empty name
            page_queued.send(self, job=job)
        if self._queue is None or not name:
            return self.render_job(job)
        self._queue.append(job)
        self._leave_localsiteurl(job)

    def render_queued(self):
        """Render every queued page (the generators are done)."""
        jobs, self._queue = self._queue or [], None
        final = {id(job.context): (job.context, dict(job.context)) for job in jobs}
        if jobs:  # once, before the renderers fork
            pages_rendering.send(self, jobs=jobs)
        try:
            with final_urls():
                parallel.render(self, jobs)
        finally:
            for context, state in final.values():
                context.clear()
                context.update(state)

    def render_job(self, job):
        if job.snapshot is not job.context:
            job.context.clear()
            job.context.update(job.snapshot)
        self._source = _describe(job.kwargs, job.template)
        self._piece = _piece_source(job.kwargs)
        self._template = getattr(job.template, "name", None)
        return super().write_file(job.name, _AskingTemplate(job.template, self), job.context, **job.options,
                                  **job.kwargs)

    def carry_feed(self, path, previous):
        """A feed the last build wrote at ``path`` (now at ``previous``),
        carried over unchanged."""
        filename = os.path.join(self.output_path, path)
        self._owners[filename] = self._source = f"订阅 feed {path}"
        self._link_previous(previous, filename)
        self._announce(file_carried, path=path, source=None, template=None)

    def _snapshot(self, context):
        """A copy of ``context`` as the page would have seen it now; the
        previous copy when nothing in it changed (most pages)."""
        last = self._last_snapshot
        if last is not None and last[0] is context and len(last[1]) == len(context) and all(
            value is last[1].get(key, _MISSING) or (type(value) is str and value == last[1].get(key))
            for key, value in context.items()
        ):
            return last[1]
        snapshot = dict(context)
        self._last_snapshot = (context, snapshot)
        return snapshot

    def _leave_localsiteurl(self, job):
        """What rendering the page would have left in the shared context
        (Pelican points ``localsiteurl`` at the last page written, and
        content objects read it), so the next page queued sees it too."""
        options = job.options
        if not options["relative_urls"] and "localsiteurl" not in job.kwargs:
            return
        name = self.output_names(job)[-1]
        value = path_to_url(get_relative_path(name)) if options["relative_urls"] else job.context.get("localsiteurl")
        value = job.kwargs.get("localsiteurl", value)
        if value:
            job.context["localsiteurl"] = value

    def output_names(self, job):
        """The files Pelican's write_file makes of ``job``: one, or one a
        page of a paginated listing."""
        options = job.options
        paginated = options["paginated"]
        if paginated is None:
            paginated = {key: value for key, value in job.kwargs.items() if key in ("articles", "dates")}
        template_name = options["template_name"]
        if not (paginated and template_name in self.settings["PAGINATED_TEMPLATES"]):
            return [job.name]
        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        paginator = Paginator(job.name, options["url"], next(iter(paginated.values())), self.settings, per_page)
        return [paginator.page(number).save_as for number in range(1, paginator.num_pages + 1)]

    def carry_job(self, job, previous):
        """Every file of ``job`` as the last build wrote it (in the folder
        ``previous``), carried over without rendering, and announced as
        carried pages are (``file_carried``, Pelican's ``content_written``):
        a quick rebuild's pages that show no changed piece."""
        self._source = _describe(job.kwargs, job.template)
        piece, template = _piece_source(job.kwargs), getattr(job.template, "name", None)
        context = {**job.snapshot, **job.kwargs}
        for name in self.output_names(job):
            filename = os.path.join(self.output_path, name)
            clash = self._owners.get(filename)
            if clash is not None:
                self._report_clash(name, clash, self._source)
                continue
            self._owners[filename] = self._source
            if not os.path.exists(filename):
                self._link_previous(os.path.join(previous, name), filename)
            self._announce(file_carried, path=name, source=piece, template=template)
            signals.content_written.send(filename, context={**context, "output_file": name})

    # --- a forked renderer (plugins/safety/parallel.py) -----------------
    def announce_to(self, announced):
        """In a forked renderer: keep announcements for the build process."""
        self._announced = announced
        self._inherited = frozenset(self._owners)

    def owners(self):
        return {path: source for path, source in self._owners.items() if path not in self._inherited}

    def adopt_owners(self, owners):
        for filename, source in owners.items():
            clash = self._owners.get(filename)
            relative = os.path.relpath(filename, self.output_path).replace(os.sep, "/")
            if clash is None:
                self._owners[filename] = source
            elif relative not in duplicates.clashing_paths:
                self._report_clash(relative, clash, source)

    def replay(self, kind, details):
        signal(kind).send(self, **details)

    def _announce(self, announcement, **details):
        if self._announced is None:
            announcement.send(self, **details)
        else:
            self._announced.append((announcement.name, details))

    def write_feed(self, elements, context, *args, **kwargs):
        feed_queued.send(self, feed=FeedJob(list(elements), dict(context), args, kwargs))
        self._source = f"订阅 feed {kwargs.get('path') or (args[0] if args else '?')}"
        self._piece = self._template = None
        public = public_site_url(self.settings)
        if not public:
            return super().write_feed(elements, context, *args, **kwargs)
        # A body's links follow the shared context's localsiteurl (left
        # relative by the last page rendered): absolute while the feed is written.
        local = context.get("localsiteurl")
        context["localsiteurl"] = public
        try:
            with _absolute_summaries(elements, public):
                return super().write_feed(elements, {**context, "SITEURL": public}, *args, **kwargs)
        finally:
            context["localsiteurl"] = local

    def _open_w(self, filename, encoding, override=False):
        relative = os.path.relpath(filename, self.output_path).replace(os.sep, "/")
        clash = self._owners.get(filename)
        if clash is None and relative.startswith(SITE_FILES):
            clash = f"站点文件 site file {relative}"
        if clash is not None and relative in duplicates.clashing_paths:
            return open(os.devnull, "w", encoding=encoding)
        if clash is not None:
            self._report_clash(relative, clash, self._source)
            return open(os.devnull, "w", encoding=encoding)
        self._owners[filename] = self._source
        # A staged file is never written in place: it may be a hard link to
        # the published one (a carried-over page, a renderer that died).
        with contextlib.suppress(FileNotFoundError):
            os.unlink(filename)
        previous = self._carried.pop(relative, None)
        if previous is not None:
            self._link_previous(previous, filename)
            self._announce(file_carried, path=relative, source=self._piece, template=self._template)
            return open(os.devnull, "w", encoding=encoding)
        handle = super()._open_w(filename, encoding, override)
        if not file_written.receivers:
            return handle
        piece, template = self._piece, self._template
        return _Announced(
            handle,
            lambda text: self._announce(file_written, path=relative, text=text, source=piece, template=template),
        )

    def _link_previous(self, previous, filename):
        """The previous build's file, as a hard link (the old output is
        renamed away, never written to), or a copy."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(filename)
        os.makedirs(os.path.dirname(filename), exist_ok=True)
        try:
            os.link(previous, filename)
        except OSError:
            shutil.copy2(previous, filename)

    @staticmethod
    def _report_clash(relative, clash, source):
        from_editor = source.endswith(".md")
        report_error(
            source if from_editor else clash,
            None,
            f"与 {clash if from_editor else source} 输出到同一文件 {relative}，请修改 slug 或 save_as / "
            f"same output file {relative} as another source; change a slug or save_as",
        )


@contextlib.contextmanager
def final_urls():
    """While the queued pages render, every piece's address and output path
    are what they will stay, so each is formatted once: Pelican formats them
    from their patterns (through its regex-parsing strftime) on every
    access, tens of thousands of times a build. The finish (the sitemap
    above all) and a quick rebuild's carried pages ask for them all again."""
    original = Content.get_url_setting
    if getattr(original, "formats_once", False):  # already inside
        yield
        return
    format_once = {}

    def get_url_setting(content, key):
        found = format_once.get((id(content), key))
        if found is None:
            # The piece is kept with its address, so its id is not reused meanwhile.
            found = format_once[(id(content), key)] = (content, original(content, key))
        return found[1]

    get_url_setting.formats_once = True
    Content.get_url_setting = get_url_setting
    try:
        yield
    finally:
        Content.get_url_setting = original


def keep_summary_source(content):
    """A summary written in the header keeps its {filename} links as the
    editor wrote them: Pelican resolves them once, for the pages (relative
    in a preview build), and a feed needs them absolute."""
    summary = content.metadata.get("summary")
    if isinstance(summary, str) and INTRASITE_LINK.search(summary):
        content.summary_source = summary


@contextlib.contextmanager
def _absolute_summaries(items, public):
    changed = []
    for item in items:
        source = getattr(item, "summary_source", None)
        if source is not None and "summary" in item.metadata:
            changed.append((item, item.metadata["summary"]))
            item.metadata["summary"] = item._update_content(source, public)
    try:
        yield
    finally:
        for item, summary in changed:
            item.metadata["summary"] = summary


def guarded_writer(pelican):
    return GuardedWriter


def render_queued():
    """Render the pages the build's writer queued (its generators are done)."""
    if _active is not None:
        _active.render_queued()
