"""Resolve every recorded link against the staged output and report the
broken ones where an editor can fix them: the content file and line that
holds the link, or the setting or template that puts it on every page."""

import difflib
import os
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from ..common import line_of, location, public_site_url
from .record import page_links

SKIPPED_SCHEMES = ("mailto:", "tel:", "sms:", "javascript:", "data:", "weixin:", "geo:")
PAGES = (".html", ".htm")
FEEDS = (".xml", ".atom", ".rss")


@dataclass
class Broken:
    link: str  # as written
    target: str  # the site path it points to ("notices/x/"), or the link itself
    problem: tuple  # what is wrong: (Chinese, English)
    suggestion: str | None
    pages: list = field(default_factory=list)  # output files it appears in


class Site:
    """The staged output: its files, and how a link on one of them resolves."""

    def __init__(self, root, settings, allowed=()):
        self.root = root
        self.files = set()
        for folder, _, names in os.walk(root):
            relative = os.path.relpath(folder, root).replace(os.sep, "/")
            prefix = "" if relative == "." else relative + "/"
            self.files.update(prefix + name for name in names)
        siteurl = str(settings.get("SITEURL") or "")
        self.base_path = urlsplit(siteurl).path.rstrip("/") if "://" in siteurl else ""
        self.prefixes = sorted(
            {url.rstrip("/") for url in (siteurl if "://" in siteurl else "", public_site_url(settings)) if url},
            key=len, reverse=True,
        )
        self.allowed = [item.strip("/") for item in allowed if item.strip("/")]

    def site_path(self, page, link):
        """The path inside the site ``link`` on ``page`` points to, with its
        fragment: ``("notices/x/", "top")``; None for another site; "" path
        for the page itself."""
        if link.startswith(SKIPPED_SCHEMES) or link.startswith("{"):
            return None if not link.startswith("{") else (link, None)
        for prefix in self.prefixes:
            if link == prefix or link.startswith(prefix + "/") or link.startswith(prefix + "#"):
                link = self.base_path + "/" + link[len(prefix):].lstrip("/")
                break
            bare = prefix.split(":", 1)[1]  # protocol-relative //host/path
            if link.startswith(bare + "/"):
                link = self.base_path + "/" + link[len(bare):].lstrip("/")
                break
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            return None  # another site
        path = unquote(parts.path)
        fragment = unquote(parts.fragment) if parts.fragment else None
        if not path:
            return "", fragment
        if path.startswith("/"):
            if self.base_path and not (path == self.base_path or path.startswith(self.base_path + "/")):
                return path, fragment  # outside the site's own folder: never one of its files
            path = path[len(self.base_path):]
            resolved = posixpath.normpath(path.lstrip("/")) if path.strip("/") else ""
        else:
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if resolved == ".":
            resolved = ""
        if resolved.startswith(".."):
            return "/" + resolved, fragment  # above the site's root
        if path.endswith("/") and resolved:
            resolved += "/"
        return resolved, fragment

    def file_for(self, path):
        """The output file serving ``path``, or None."""
        if path in ("", "/"):
            return "index.html" if "index.html" in self.files else None
        if path.endswith("/"):
            candidate = path + "index.html"
            return candidate if candidate in self.files else None
        if path in self.files:
            return path
        candidate = path + "/index.html"  # the server redirects a folder to folder/
        return candidate if candidate in self.files else None

    def is_allowed(self, path):
        path = path.strip("/")
        return any(path == item or path.startswith(item + "/") for item in self.allowed)

    def addresses(self):
        """Every address a resident can open, as written from the site root."""
        found = []
        for name in self.files:
            if name.endswith(".gz") or name.startswith("pagefind/"):
                continue
            found.append("/" + name[: -len("index.html")] if name.endswith("/index.html") or name == "index.html" else "/" + name)
        return found


def complete_record(site, record):
    """Pages and feeds written outside the writer (sitemap, notices feed,
    search index page) are read from the staged tree."""
    for name in sorted(site.files):
        if name in record or name.startswith("pagefind/"):
            continue
        if name.endswith(PAGES) or name.endswith(FEEDS):
            with open(os.path.join(site.root, name), encoding="utf-8", errors="replace") as handle:
                record[name] = page_links(handle.read(), xml=name.endswith(FEEDS))
    return record


def find_broken(site, record, pending=()):
    """``{link key: Broken}`` for every link that resolves to nothing;
    ``pending`` are site paths written after the check (accepted)."""
    broken = {}
    for page, entry in record.items():
        for link, line in entry.links:
            resolved = site.site_path(page, link)
            if resolved is None:
                continue
            path, fragment = resolved
            problem = suggestion = None
            if path.startswith("{"):
                problem = ("引用的文件不存在", "the referenced file does not exist")
            elif path.startswith("/"):
                problem = ("指向本站以外的地址", "points outside the site")
            else:
                target = page if path == "" else site.file_for(path)
                if target is None:
                    if site.is_allowed(path) or any(path.startswith(item) for item in pending):
                        continue
                    problem = ("指向的页面或文件不存在", "no such page or file")
                elif fragment and fragment != "top" and target.endswith(PAGES):
                    ids = record[target].ids if target in record else frozenset()
                    if fragment not in ids:
                        problem = (f"目标页面上没有 #{fragment} 这个位置", f"no #{fragment} on that page")
                        close = difflib.get_close_matches(fragment, sorted(ids), 1, 0.6)
                        suggestion = f"{link.split('#', 1)[0]}#{close[0]}" if close else None
            if problem is None:
                continue
            key = (entry.source if line else None, line, link, path)
            item = broken.get(key)
            if item is None:
                item = broken[key] = Broken(link, path, problem, suggestion)
            item.pages.append(page)
    return broken


def suggest(site, broken, sources):
    """The likely intended target, when a close one exists."""
    if broken.suggestion or broken.problem[0].startswith("指向本站以外"):
        return broken.suggestion
    if broken.target.startswith("{"):
        marker, _, written = broken.target.partition("}")
        close = difflib.get_close_matches(written.lstrip("/"), sources, 1, 0.6)
        return f"{marker}}}/{close[0]}" if close else None
    wanted = "/" + broken.target
    addresses = site.addresses()
    close = difflib.get_close_matches(wanted, addresses, 1, 0.75)
    if not close:  # a mistyped last part: compare within the same folder
        folder = wanted.rstrip("/").rsplit("/", 1)[0] + "/"
        close = difflib.get_close_matches(wanted, [a for a in addresses if a.startswith(folder)], 1, 0.5)
    return close[0] if close else None


class Attribution:
    """Where the editor fixes a broken link that is not in a content file:
    the setting (NAV_LINKS, SHARE_IMAGE) or the template that writes it."""

    def __init__(self, settings, site):
        self.settings = settings
        self.site = site
        self.settings_file = next((f for f in ("pelicanconf.py",) if os.path.isfile(f)), None)
        self.templates = os.path.join(str(settings.get("THEME") or ""), "templates")

    def _setting_paths(self):
        for label, url in self.settings.get("NAV_LINKS") or []:
            yield "NAV_LINKS", f"“{label}” → {url}", url
        image = self.settings.get("SHARE_IMAGE")
        if image:
            yield "SHARE_IMAGE", image, image

    def locate(self, broken):
        for name, shown, url in self._setting_paths():
            resolved = self.site.site_path("", url)
            if resolved and resolved[0] == broken.target:
                line = line_of(self.settings_file, url) if self.settings_file else None
                where = location(self.settings_file, line) if self.settings_file else "设置 settings"
                return where, f"设置 {name} {shown}：", url
        tail = broken.link.split("#", 1)[0].lstrip("./").split("://", 1)[-1]
        tail = tail.split("/", 1)[1] if "://" in broken.link and "/" in tail else tail
        for folder, _, names in sorted(os.walk(self.templates)):
            for name in sorted(names):
                path = os.path.join(folder, name)
                line = line_of(path, tail) if tail else None
                if line:
                    return location(path, line), "主题模板 theme template：", None
        pages = broken.pages
        return f"站点 site {pages[0]}", "", None


def report_lines(site, record, settings, sources, pending=()):
    """``[(where, message)]`` for every broken link, in a stable order."""
    broken = find_broken(site, record, pending)
    content_links = defaultdict(list)  # link text -> [(source, line)], for listings that show a piece's summary
    for entry in record.values():
        for link, line in entry.links:
            if line and entry.source:
                content_links[link].append((entry.source, line))
    attribution = Attribution(settings, site)
    merged = {}
    for (source, line, link, _), item in broken.items():
        if source is None and content_links.get(link):
            source, line = content_links[link][0]
        if source is not None:
            where, prefix, shown = location(source, line), "", link
        else:
            where, prefix, shown = attribution.locate(item)
            shown = shown or link
        key = (where, shown)
        if key in merged:
            merged[key][1].pages.extend(item.pages)
        else:
            merged[key] = (prefix, item)
    lines = []
    for (where, shown), (prefix, item) in sorted(merged.items()):
        pages = sorted(set(item.pages))
        found_on = "、".join(pages[:3]) + (f" 等 {len(pages)} 个页面" if len(pages) > 3 else "")
        zh, en = item.problem
        suggestion = suggest(site, item, sources)
        message = f"{prefix}链接 {shown} {zh}（见 {found_on}）"
        message += f"；是否应为 {suggestion}？" if suggestion else ""
        message += f" / broken link {shown}: {en}" + (f"; did you mean {suggestion}?" if suggestion else "")
        lines.append((where, message))
    return lines

