"""Site identity and editor-friendly defaults: the one file a community office edits."""

import os
import sys

# Our plugins live in ./plugins as a package; make it importable from any cwd.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# A rebuild after editing only the text of articles or pages reads just those
# files and renders just the pages that show them (plugins/incremental/quick.py).
from plugins.incremental.quick import QuickPelican as PELICAN_CLASS  # noqa: E402

# --- Who we are (shown in the header, footer and page meta tags) -------------
SITENAME = "青禾社区"
SITE_SUBTITLE = "云溪市临江区望川街道青禾社区居民委员会"
SITE_DESCRIPTION = "青禾社区居民委员会门户：社区新闻、通知公告、活动相册与办事指南。"
# The address residents reach the site at: canonical links, QR codes, feeds.
CANONICAL_SITEURL = "https://qinghe.example.org"
SITEURL = ""
RELATIVE_URLS = True
SITE_OPERATOR = "望川街道青禾社区居民委员会"
SITE_CONTACT = "云溪市临江区望川街道禾丰路 18 号 · 电话 0871-6555 0123"
SITE_EMAIL = "qinghe-sq@example.org"
ICP_NUMBER = "滇ICP备00000000号-1"
PSB_NUMBER = "滇公网安备 00000000000000号"
COPYRIGHT_NOTICE = (
    "本站原创稿件版权归青禾社区居民委员会所有，转载请注明来源并保留原文链接。"
)
AUTHOR = "青禾社区"

# --- Content ------------------------------------------------------------------
PATH = "content"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
DEFAULT_DATE_FORMAT = "%Y-%m-%d %H:%M"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra", "notices/files"]
EXTRA_PATH_METADATA = {
    "extra/robots.txt": {"path": "robots.txt"},
    "extra/favicon.svg": {"path": "favicon.svg"},
}
# A piece without 栏目 goes to the first column, not to its folder's name.
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "社区动态"
# Without 摘要 the summary is the first paragraph (Chinese has no spaces, so
# Pelican's word count would take the whole article).
SUMMARY_MAX_PARAGRAPHS = 1
SUMMARY_MAX_LENGTH = None
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
# Columns shown in the header, in this order (others still get their page).
COLUMNS = ["社区动态", "党建引领", "红色物业", "便民服务"]
# Extra header links after the columns: (label, URL relative to the site root).
NAV_LINKS = [("通知公告", "notices/"), ("活动相册", "albums/"), ("办事指南", "guide/")]

# --- Links (plugins/links/README.md) ------------------------------------------
# Every internal link must lead to a page or file of the site: "warn" reports
# broken ones (preview), "fail" stops the build (publishconf), "off".
LINK_CHECK = "warn"
# Paths the web server serves from elsewhere, e.g. ["/oa/", "/uploads/"].
LINK_CHECK_ALLOW = []

# --- Review and personal data (see README, "三审" and "个人信息") --------------
REVIEW_REQUIRED = False
PII_POLICY = "warn"
PII_ALLOW = ["0871-6555 0123", "12345"]

# --- Proofreading before publishing (plugins/proofread/README.md) --------------
# What a site inspection catches: punctuation, the 规范表述 list, hand-masked
# numbers, reprints without their link, stale or empty columns. "warn": every
# finding is a warning (preview); "fail" (publishconf.py): findings of the
# rules set to "error" stop the build; "off".
PROOFREAD = "warn"
# A rule's level, "error" / "warning" / "off", e.g. {"spacing": "warning"}
# for a site that puts spaces between Chinese and numbers (README lists them).
PROOFREAD_RULES = {}
# The office's list of wrong → right wording (see its first lines).
PROOFREAD_WORDING = "wording.txt"
# 来源 values that mean this community, besides SITENAME and SITE_OPERATOR.
PROOFREAD_OWN_SOURCES = ["本站", "本社区", "原创"]
# Days the home page (首页), a column or the notice board (通知公告) may go
# without a new piece; FRESHNESS_LIMITS sets others, e.g. {"党建引领": 30}.
FRESHNESS_DAYS = 14
FRESHNESS_LIMITS = {}
# make check shows the freshness report, make publish its errors (rules set
# to "error" in PROOFREAD_RULES). True shows its warnings in make html and
# make publish too — while a column is stale that standing warning keeps
# every preview build a normal one (no quick rebuild, plugins/incremental).
FRESHNESS_REPORT = False

# --- URLs: stable, so printed QR codes and bookmarks keep working -------------
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
CATEGORY_URL = "column/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
CATEGORIES_URL = "column/"
CATEGORIES_SAVE_AS = CATEGORIES_URL + "index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_URL = "tag/"
TAGS_SAVE_AS = TAGS_URL + "index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = ARCHIVES_URL + "index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
# Pelican writes drafts to drafts/ by default: a draft must never be published.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_URL = ""
DRAFT_PAGE_URL = ""
DIRECT_TEMPLATES = ["index", "categories", "tags", "archives", "search", "404"]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = SEARCH_URL + "index.html"
_404_SAVE_AS = "404.html"
INDEX_SAVE_AS = "index.html"
# Notice board (plugins/notices/README.md): a notice is at notices/<file name>/.
NOTICE_URL = "notices/{slug}/"
NOTICE_SAVE_AS = NOTICE_URL + "index.html"
NOTICES_URL = "notices/"
NOTICES_SAVE_AS = NOTICES_URL + "index.html"
NOTICE_ARCHIVE_URL = "notices/archive/"
NOTICE_ARCHIVE_SAVE_AS = NOTICE_ARCHIVE_URL + "index.html"
NOTICE_SCREEN_URL = "notices/screen/"
NOTICE_SCREEN_SAVE_AS = NOTICE_SCREEN_URL + "index.html"
NOTICE_FEED_ATOM = "feeds/notices.atom.xml"
NOTICE_CALENDAR = "notices/deadlines.ics"
# A notice is "即将截止" when its deadline is at most this many days away.
NOTICE_SOON_DAYS = 3

# --- 居务公开 (plugins/disclosure/README.md) ---------------------------------
# The catalogue the office edits: content/disclosure/catalogue.md; its page.
DISCLOSURE_CATALOGUE = "disclosure/catalogue.md"
DISCLOSURE_URL = "disclosure/"
DISCLOSURE_SAVE_AS = DISCLOSURE_URL + "index.html"
# An item past its deadline without a new publication: "warn" (build and
# `make check` warn, the page shows 待公开), "fail" (the build stops), "off".
DISCLOSURE_OVERDUE = "warn"
# Public holidays and 调休 workdays of the year (YYYY-MM-DD), for deadlines
# counted in working days (Monday–Friday otherwise).
DISCLOSURE_HOLIDAYS = []
DISCLOSURE_WORKDAYS = []

# --- Photos and albums (see plugins/gallery/README.md) -----------------------
# An album is a folder content/photos/<slug>/ with album.md; `make new-album`.
ALBUM_URL = "albums/{slug}/"
ALBUM_SAVE_AS = ALBUM_URL + "index.html"
ALBUMS_URL = "albums/"
ALBUMS_SAVE_AS = ALBUMS_URL + "index.html"
# Widths (px) of each published photo; never wider than the photo itself.
# 240 serves the small cover thumbnails in listings on phones.
PHOTO_WIDTHS = [240, 480, 960, 1600]
# Formats: modern ones first, the last is the fallback every browser shows
# ("avif" is smaller but slow to encode; "png" for drawings).
PHOTO_FORMATS = ["webp", "jpeg"]
PHOTO_QUALITY = {"jpeg": 80, "webp": 75, "avif": 55}
# Processed photos are kept here, keyed by the photo's bytes and the settings
# above: a rebuild decodes only new or edited photos. Safe to delete.
PHOTO_CACHE = ".cache/photos"
# Gzip and Brotli copies (publishconf.py's PRECOMPRESS), kept by what they
# compress so no build compresses the same bytes twice. Safe to delete.
PRECOMPRESS_CACHE = ".cache/compressed"
# A bad photo (corrupt, truncated, empty, too many pixels): "fail" stops the
# build naming the file; "skip" leaves the photo out with a warning.
PHOTO_ON_ERROR = "fail"
# Also publish each album photo at full size (still without GPS or EXIF).
PHOTO_PUBLISH_ORIGINALS = False
# Optional copyright line, the only EXIF tag a published photo may carry.
PHOTO_COPYRIGHT = ""
# Larger images are refused as a possible decompression bomb (108 MP phones fit).
PHOTO_MAX_PIXELS = 120_000_000
# Processes for photo work; 0 = all cores.
PHOTO_WORKERS = 0

# --- Feeds --------------------------------------------------------------------
FEED_DOMAIN = CANONICAL_SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = "feeds/column/{slug}.atom.xml"
TAG_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = True

# --- Build --------------------------------------------------------------------
THEME = "theme"
OUTPUT_PATH = "output"
DELETE_OUTPUT_DIRECTORY = True
CACHE_PATH = ".cache/pelican"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
# A file changed is a file whose bytes changed: two saves within the same
# clock tick keep one modification time, and a copied-back file a new one.
CHECK_MODIFIED_METHOD = "sha1"
# Re-render only the pages whose inputs changed (plugins/incremental).
INCREMENTAL = True
SLUGIFY_SOURCE = "title"
# Reproducible: no build time anywhere in the output.
OUTPUT_SOURCES = False
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    "extensions": [],
}
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

PLUGIN_PATHS = []
PLUGINS = [
    "plugins.metadata",
    "plugins.editorial",
    "plugins.privacy",
    "plugins.proofread",
    "pelican.plugins.neighbors",
    "pelican.plugins.sitemap",
    "plugins.notices",
    "plugins.disclosure",
    "plugins.share",
    "plugins.search",
    "plugins.gallery",
    "plugins.assets",
    "plugins.links",
    "plugins.network",
    "plugins.incremental",
    "plugins.safety",
]
SITEMAP = {"format": "xml", "exclude": ["tag/", "archives/"]}

# --- A street office's network of sites (plugins/network/README.md) ----------
# With a sites/ folder, `make html SITE=liushu` builds sites/liushu/ with its
# site.py (identity, colours, deploy target) over everything above, and
# `make html-all` every community and the 街道 portal (portal/).
# The header colour, from the theme's accessible palette (plugins/sites.py).
BRAND_COLOUR = "red"
from plugins.sites import apply_site  # noqa: E402

apply_site(globals())
