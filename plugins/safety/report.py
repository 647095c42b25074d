"""``output-check/report.html``: what `make check` found, as a page an editor
opens in a browser — the verdict and counts at the top, then every finding
grouped by file, each with its line and the suggested fix.

One self-contained file: its styles inline, no script, no font, no request
to anywhere (SPEC §6); valid HTML5 and accessible like the site (tested
with the Nu checker and axe-core). Nothing in it depends on the clock but
the check's BUILD_DATE, so the same findings give the same bytes.
"""

import html
import os
import tempfile
from dataclasses import dataclass

OTHER = "其他 / other"
SITE = "站点 / site"

_STYLE = """
:root { color-scheme: light; }
body { margin: 0; font: 17px/1.6 system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
       color: #1a1a1a; background: #fff; }
header, main, footer { max-width: 64rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; word-break: break-all; }
.meta { color: #4a4a4a; margin: 0; }
.verdict { font-size: 1.2rem; font-weight: bold; padding: .75rem 1rem; border-radius: 6px; border: 2px solid; }
.verdict-fail { color: #8a0010; background: #fff0f1; border-color: #8a0010; }
.verdict-pass { color: #0b5a26; background: #effaf2; border-color: #0b5a26; }
.counts { display: flex; flex-wrap: wrap; gap: .75rem; padding: 0; margin: 1rem 0; list-style: none; }
.counts li { border: 1px solid #767676; border-radius: 6px; padding: .5rem 1rem; min-width: 7rem; }
.counts strong { display: block; font-size: 1.8rem; line-height: 1.2; }
.files { padding-left: 1.25rem; }
.files li { margin: .35rem 0; }
a { color: #0645ad; }
a:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #9a9a9a; padding: .45rem .6rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.line { white-space: nowrap; text-align: right; }
.level { display: inline-block; padding: 0 .4rem; border-radius: 4px; font-weight: bold; white-space: nowrap; }
.level-error { color: #fff; background: #8a0010; }
.level-warning { color: #1a1a1a; background: #ffe08a; }
.en { display: block; color: #4a4a4a; font-size: .9rem; }
.hint { background: #f4f6fb; border-left: 4px solid #0645ad; padding: .5rem 1rem; }
code { font-family: ui-monospace, "Cascadia Mono", Consolas, monospace; background: #f0f0f0; padding: 0 .2rem; }
footer { color: #4a4a4a; margin: 3rem auto 2rem; font-size: .9rem; }
@media print { .files { display: none; } }
"""


@dataclass(frozen=True)
class Item:
    path: str  # a file, SITE or OTHER
    line: int | None
    error: bool
    message: str  # the whole message, as printed
    problem: str = ""  # the parts a finding logged with it (plugins/proofread)
    fix: str = ""
    english: str = ""
    fixable: bool = False


def _e(text):
    return html.escape(str(text), quote=True)


def _title(path):
    if path == SITE:
        return "全站 / whole site"
    if path == OTHER:
        return "其他 / other"
    return path


def _order(groups):
    """Files with errors first, then by name; the whole site and other last."""
    def key(path):
        items = groups[path]
        return (path in (SITE, OTHER), not any(item.error for item in items), path)

    return sorted(groups, key=key)


def render(items, site_name="", day="", settings_file="publishconf.py"):
    groups = {}
    for item in items:
        groups.setdefault(item.path, []).append(item)
    errors = sum(item.error for item in items)
    warnings = len(items) - errors
    files = [path for path in groups if path not in (SITE, OTHER)]
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>发布前检查报告{(' · ' + _e(site_name)) if site_name else ''}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>发布前检查报告</h1>",
        f'<p class="meta">{_e(site_name) + " · " if site_name else ""}检查日期 {_e(day)} · '
        f"按正式发布的规则（{_e(settings_file)}）检查，没有生成网站</p>",
        "</header>",
        "<main>",
        '<section aria-labelledby="summary">',
        '<h2 id="summary">结论</h2>',
    ]
    if errors:
        out.append(
            f'<p class="verdict verdict-fail">有 {errors} 个错误，现在不能发布。按下面的建议改正后，再运行 <code>make check</code>。</p>'
        )
    else:
        out.append('<p class="verdict verdict-pass">没有错误，可以发布（<code>make publish</code>）。</p>')
    out += [
        '<ul class="counts">',
        f"<li><strong>{errors}</strong>错误（必须改）</li>",
        f"<li><strong>{warnings}</strong>提醒（建议改）</li>",
        f"<li><strong>{len(files)}</strong>个文件有问题</li>",
        "</ul>",
    ]
    fixable = sorted({item.path for item in items if item.fixable})
    if fixable:
        out.append(
            f'<p class="hint">{len(fixable)} 个文件里的标点、全角数字和标了“自动”的规范表述可以自动改正：'
            "<code>make fix FILE=文件名</code>，不写 FILE 就改正全部稿件（先显示改动再写入；"
            "只看不改加 <code>DRY_RUN=1</code>）。</p>"
        )
    ordered = _order(groups)
    if ordered:
        out.append('<nav aria-label="有问题的文件"><ul class="files">')
        for number, path in enumerate(ordered, 1):
            group = groups[path]
            count = sum(item.error for item in group)
            parts = ([f"{count} 个错误"] if count else []) + ([f"{len(group) - count} 个提醒"] if len(group) - count else [])
            out.append(f'<li><a href="#f{number}">{_e(_title(path))}</a>：{"，".join(parts)}</li>')
        out.append("</ul></nav>")
    out.append("</section>")
    for number, path in enumerate(ordered, 1):
        group = sorted(groups[path], key=lambda item: (item.line or 0, not item.error))
        out += [
            f'<section aria-labelledby="f{number}">',
            f'<h2 id="f{number}">{_e(_title(path))}</h2>',
        ]
        fixable = sum(item.fixable for item in group)
        if fixable and path not in (SITE, OTHER):
            out.append(
                f'<p class="hint">其中 {fixable} 处可以自动改正：<code>make fix FILE={_e(path)}</code></p>'
            )
        out += [
            "<table>",
            f"<caption>{len(group)} 个问题</caption>",
            '<thead><tr><th scope="col">行</th><th scope="col">级别</th><th scope="col">问题</th>'
            '<th scope="col">建议</th></tr></thead>',
            "<tbody>",
        ]
        for item in group:
            level = '<span class="level level-error">错误</span>' if item.error else '<span class="level level-warning">提醒</span>'
            if item.problem:
                problem = _e(item.problem) + (f'<span class="en" lang="en">{_e(item.english)}</span>' if item.english else "")
                fix = _e(item.fix)
            else:
                problem, fix = _e(item.message), "—"
            out.append(
                f'<tr><td class="line">{item.line if item.line else "—"}</td><td>{level}</td>'
                f"<td>{problem}</td><td>{fix}</td></tr>"
            )
        out += ["</tbody>", "</table>", "</section>"]
    out += [
        "</main>",
        "<footer><p>由 <code>make check</code> 生成。每次检查都会重新生成本页；改正以后重新运行即可。"
        "规则和级别见 plugins/proofread/README.md。</p></footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out)


def write(path, items, **kwargs):
    """Write the page whole: a browser reloading it never sees half of it."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".report-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(render(items, **kwargs))
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
