"""Where the sites of a network live, and how one site's settings are made.

A checkout is one site (``content/`` → ``output/``) until it has a ``sites/``
folder: then each ``sites/<name>/`` with a ``site.py`` is a community site,
built with the shared ``pelicanconf.py`` (or ``publishconf.py``) and its own
``site.py`` over it, from ``sites/<name>/content/`` into
``sites/<name>/output/``, with its own caches and build record. The 街道
portal is the site in ``portal/`` (plugins/network/README.md).

``pelicanconf.py`` calls ``apply_site`` last; the site comes from the
environment (``LINLI_SITE``, which ``make html SITE=…`` sets), because it
decides where the content and output folders are, before Pelican's ``-e``
overrides would be read.

Part of the foundation, not of a plugin: the settings, the reference guard
(plugins/safety/paths.py) and the network build all need it.
"""

import ast
import functools
import os
import re
import sys

SITES_FOLDER = "sites"
PORTAL = "portal"  # the portal's name and folder (beside sites/, not in it)
SITE_FILE = "site.py"
ENVIRONMENT = "LINLI_SITE"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# The portal's palette; a community picks one for its header (BRAND_COLOUR),
# each with at least 4.5:1 contrast against white text (theme/static/css/site.css).
BRAND_COLOURS = ("red", "green", "blue", "teal", "purple", "brown")


class SiteError(SystemExit):
    """A site that cannot be built as named: one line naming the file, exit status 1."""

    def __init__(self, message):
        super().__init__(message)


def project_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def site_names(root=None):
    """The community sites of the checkout at ``root``, in name order (not the portal)."""
    folder = os.path.join(root or project_root(), SITES_FOLDER)
    if not os.path.isdir(folder):
        return []
    return sorted(
        name for name in os.listdir(folder)
        if _NAME.match(name) and os.path.isfile(os.path.join(folder, name, SITE_FILE))
    )


def site_folder(name, root=None):
    root = root or project_root()
    return os.path.join(root, PORTAL) if name == PORTAL else os.path.join(root, SITES_FOLDER, name)


def has_portal(root=None):
    return os.path.isfile(os.path.join(site_folder(PORTAL, root), SITE_FILE))


def site_file(name, root):
    """Site ``name``'s site.py; SiteError naming the sites there are when there is none."""
    path = os.path.join(site_folder(name, root), SITE_FILE)
    if not _NAME.match(name) or not os.path.isfile(path):
        known = ", ".join(site_names(root) + ([PORTAL] if has_portal(root) else [])) or "（无）"
        raise SiteError(f"没有这个站点：{os.path.relpath(path, root)} 不存在（现有：{known}）/ no such site: {name}")
    return path


def read_site_file(path, base):
    """The UPPERCASE names ``site.py`` at ``path`` sets, run over ``base``
    (the shared settings, so it may use and extend them)."""
    namespace = dict(base)
    namespace["__file__"] = path
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), path)
        exec(compile(tree, path, "exec"), namespace)  # noqa: S102 - the operator's own settings file, as pelicanconf.py
    except SyntaxError as error:
        raise SiteError(f"{path}:{error.lineno}: 语法错误 / syntax error: {error.msg}") from None
    except Exception as error:  # noqa: BLE001 - shown as one line naming the file
        line = _line_in(error, path)
        raise SiteError(f"{path}{f':{line}' if line else ''}: {type(error).__name__}: {error}") from None
    assigned = {target.id for node in tree.body if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign))
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(target, ast.Name)}
    return {key: namespace[key] for key in assigned if key.isupper()}


def _line_in(error, path):
    trace = error.__traceback__
    line = None
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == path:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def apply_site(settings, name=None):
    """Make ``settings`` (pelicanconf.py's namespace) those of site ``name``
    (default: ``$LINLI_SITE``; none: the single site, unchanged)."""
    name = name if name is not None else os.environ.get(ENVIRONMENT, "")
    if not name:
        return settings
    base = dict(settings)
    root = os.path.dirname(os.path.abspath(settings.get("__file__") or os.path.join(project_root(), "x")))
    folder = site_folder(name, root)
    path = site_file(name, root)
    own = read_site_file(path, settings)
    settings.update(own)
    settings.update(site_paths(own, root, folder))
    # The network's sites share one cache of compressed copies (the same theme and Pagefind files).
    if "PRECOMPRESS_CACHE" not in own and settings.get("PRECOMPRESS_CACHE"):
        settings["PRECOMPRESS_CACHE"] = os.path.join(root, settings["PRECOMPRESS_CACHE"])
    # What pelicanconf.py derived from the identity follows the site's identity.
    if "FEED_DOMAIN" not in own:
        settings["FEED_DOMAIN"] = settings.get("CANONICAL_SITEURL")
    colour = settings.get("BRAND_COLOUR")
    if colour and colour not in BRAND_COLOURS:
        raise SiteError(f"{path}: BRAND_COLOUR = {colour!r} 不在主题配色中（可选：{', '.join(BRAND_COLOURS)}）"
                        f" / not one of the theme's accessible colours")
    settings["NETWORK_SITE"] = name
    settings["NETWORK_ROOT"] = root
    if name != PORTAL and has_portal(root):
        # Every community's footer names the 街道 portal (its public address).
        portal = read_site_file(os.path.join(site_folder(PORTAL, root), SITE_FILE), base)
        settings.setdefault("NETWORK_PORTAL", (portal.get("SITENAME", ""), str(portal.get("CANONICAL_SITEURL", "")).rstrip("/") + "/"))
    if name == PORTAL:
        for key, value in PORTAL_DEFAULTS.items():
            if key not in own:
                settings[key] = value
        settings["PLUGINS"] = [plugin for plugin in settings.get("PLUGINS", []) if plugin not in PORTAL_WITHOUT]
        # The portal's input is its communities' published records: in its
        # settings, so that a change in any of them is a change of the portal's site key.
        members = site_names(root)
        settings["NETWORK_SITES"] = {member: community_record(member, root, base) for member in members}
        settings["LINK_CHECK_ALLOW"] = list(settings.get("LINK_CHECK_ALLOW") or []) + [f"/{member}/" for member in members]
    return settings


def site_paths(own, root, folder):
    """Where a site keeps things: in its folder, unless its site.py (``own``)
    names a place (relative to the project)."""
    paths = {}
    for key, default in (("PATH", "content"), ("OUTPUT_PATH", "output"),
                         ("CACHE_PATH", os.path.join(".cache", "pelican")), ("PHOTO_CACHE", os.path.join(".cache", "photos")),
                         ("CHECK_REPORT", os.path.join("output-check", "report.html"))):
        value = own.get(key)
        paths[key] = os.path.join(root, value) if value else os.path.join(folder, default)
    return paths


# The portal shows its communities' content, not its own: no notice board,
# 居务公开 or albums of its own, no columns.
PORTAL_WITHOUT = ("plugins.notices", "plugins.disclosure", "plugins.gallery", "plugins.proofread")
PORTAL_DEFAULTS = {
    "DIRECT_TEMPLATES": ["search", "404"],
    "COLUMNS": [],
    "NAV_LINKS": [("社区新闻", "news/"), ("通知公告", "notices/"), ("社区名录", "communities/"), ("街道简介", "about/")],
    "ARTICLE_PATHS": [],
    "FEED_ALL_ATOM": None,
    "CATEGORY_FEED_ATOM": None,
    "CATEGORY_SAVE_AS": "",
    "CATEGORIES_SAVE_AS": "",
    "TAG_SAVE_AS": "",
    "TAGS_SAVE_AS": "",
    "ARCHIVES_SAVE_AS": "",
    "YEAR_ARCHIVE_SAVE_AS": "",
    "INDEX_SAVE_AS": "",
    "STATIC_PATHS": ["extra"],
}


def shared_settings(root=None):
    """The names pelicanconf.py sets (a site.py may use them), without a
    site; run once a process (`make deploy-all` asks for every site's)."""
    return _shared_settings(root or project_root())


@functools.cache
def _shared_settings(root):
    import runpy

    saved = os.environ.pop(ENVIRONMENT, None)
    try:
        return {key: value for key, value in runpy.run_path(os.path.join(root, "pelicanconf.py")).items() if key.isupper()}
    finally:
        if saved is not None:
            os.environ[ENVIRONMENT] = saved


def community_settings(name, root=None, base=None):
    """Community ``name``'s settings (its folders: OUTPUT_PATH, CACHE_PATH,
    PATH), made as its build makes them over ``base`` (default: pelicanconf.py's)."""
    root = root or project_root()
    base = shared_settings(root) if base is None else base
    return apply_site(dict(base, __file__=os.path.join(root, "pelicanconf.py")), name)


def community_record(name, root=None, base=None):
    """What community ``name``'s last published build told the portal (None: never built)."""
    from .build_record import read_section

    return read_section(community_settings(name, root, base), "network")


def content_folders(root=None):
    """``{absolute content folder: site name}`` of every site of the network
    (the portal's included), as their ``site.py`` files set them."""
    root = root or project_root()
    return {os.path.realpath(content_folder(name, root)): name
            for name in site_names(root) + ([PORTAL] if has_portal(root) else [])}


def site_places(name, root=None):
    """Site ``name``'s folders (``site_paths``), as its site.py sets them
    (their defaults when the file cannot be run: the build says why)."""
    root = root or project_root()
    path = site_file(name, root)
    try:
        own = read_site_file(path, shared_settings(root))
    except SiteError:
        own = {}
    return site_paths(own, root, site_folder(name, root))


def content_folder(name, root=None):
    return site_places(name, root)["PATH"]


def _owner(path, folders):
    real = os.path.realpath(path)
    return next((name for folder, name in folders.items() if real == folder or real.startswith(folder + os.sep)), None)


def editing_root(name=None):
    """The folder whose ``content/`` an editor's tools (`make new-article`,
    `make import` …) write to: the project, or with ``$LINLI_SITE`` that
    site's (the folder above its content folder)."""
    name = name if name is not None else os.environ.get(ENVIRONMENT, "")
    if not name:
        return "."
    return os.path.dirname(content_folder(name))


def outside_reference_problem(value, target, root):
    """Why a reference from a site's content folder ``root`` to ``target``
    outside it is refused: in a network, naming the site whose file it is."""
    folders = content_folders()
    owner = _owner(target, folders)
    if owner and owner != _owner(root, folders):
        return (f"引用 {value} 指向另一个站点（{owner}）的文件，已拒绝：每个社区只能引用自己 content/ 里的文件，"
                f"需要时把文件复制过来 / reference {value!r} points into site {owner!r}: "
                f"a community may only use files of its own content/ (copy the file)")
    return f"引用 {value} 指向 content/ 以外，已拒绝 / reference {value!r} points outside content/"


if __name__ == "__main__":  # `python -m plugins.sites`: the names, for the Makefile
    print(" ".join(site_names()))
    sys.exit(0)
