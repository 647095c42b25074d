"""What each output file links to and which ids it has, taken from its text
while it is still in memory (the writer announces every file it writes).

The record is plain data keyed by output path, so a build that carries a
file over unchanged can carry its entry over too (``plain`` /
``from_plain``) and the check still sees the whole site.
"""

import html
import re
from dataclasses import dataclass

# An attribute inside a tag, double-quoted as Jinja, Markdown and nh3 write it
# (the leading space keeps the pattern fast and skips data-src and the like).
_ATTRIBUTE = re.compile(r'\s(href|src|srcset|id|content)="([^"]*)"')
_LOC = re.compile(r"<loc>([^<]*)</loc>")
# Where a link is written in an editor's Markdown: ](link) [id]: link <link> href="link"
_BEFORE = "(<\"'= \t\n"
_AFTER = ")>\"' \t\n"


@dataclass(frozen=True)
class PageLinks:
    source: str | None  # the piece's source file (as the editor sees it), None for listings
    template: str | None  # the template the file was rendered with, None for feeds and site files
    links: tuple  # ((link as written in the output, line in source or None), ...)
    ids: frozenset  # element ids, for #fragments

    def plain(self):
        return (self.source, self.template, self.links, tuple(sorted(self.ids)))

    @classmethod
    def from_plain(cls, data):
        source, template, links, ids = data
        return cls(source, template, tuple(map(tuple, links)), frozenset(ids))


def extract(text, xml=False):
    """``(links, ids)`` of an HTML page, or of a feed or sitemap (``xml``),
    whose HTML content is escaped text: links are read there too."""
    links, ids = [], set()
    if xml or "&lt;" not in text:
        found = _ATTRIBUTE.findall(text)
    else:  # a page showing markup as text (a code example): only real tags count
        found = [
            match.groups() for match in _ATTRIBUTE.finditer(text)
            if text.rfind(">", 0, match.start()) < text.rfind("<", 0, match.start())
        ]
    for name, value in found:
        if "&" in value:
            value = html.unescape(value)
            if xml and "&" in value:
                value = html.unescape(value)
        if name == "id":
            ids.add(value)
        elif name == "srcset":
            links.extend(part.split()[0] for part in value.split(",") if part.strip())
        elif name == "content":
            if value.startswith(("http://", "https://", "/")) and not xml:
                links.append(value)  # og:image, og:url: same-site ones are checked
        elif value:
            links.append(value)
    if xml:
        links.extend(html.unescape(value.strip()) for value in _LOC.findall(text))
    return links, ids


def source_line(text, link):
    """The line of ``text`` (an editor's file) where ``link`` is written, or None."""
    start = 0
    while True:
        found = text.find(link, start)
        if found < 0:
            return None
        end = found + len(link)
        if (found == 0 or text[found - 1] in _BEFORE) and (end == len(text) or text[end] in _AFTER):
            return text.count("\n", 0, found) + 1
        start = found + 1


def page_links(text, source=None, source_text=None, template=None, xml=False):
    links, ids = extract(text, xml)
    lines = {}
    if source_text is not None:
        for link in links:
            if link not in lines:
                lines[link] = source_line(source_text, link)
    seen, unique = set(), []
    for link in links:
        if link not in seen:
            seen.add(link)
            unique.append((link, lines.get(link)))
    return PageLinks(source, template, tuple(unique), frozenset(ids))
