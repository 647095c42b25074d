"""Who wrote and who signed off a piece, as data the templates only print."""

from dataclasses import dataclass

SIGNOFF_ROLES = (("editor", "责任编辑"), ("reviewer", "审核"), ("approver", "终审"))


@dataclass(frozen=True)
class Signoff:
    role: str
    label: str
    name: str


def _names(value):
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(name) for name in value]


def signoffs(content):
    return [
        Signoff(role, label, str(getattr(content, role)).strip())
        for role, label in SIGNOFF_ROLES
        if str(getattr(content, role, "") or "").strip()
    ]


def missing_signoffs(content):
    present = {signoff.role for signoff in signoffs(content)}
    return [label for role, label in SIGNOFF_ROLES if role not in present]


def attach_bylines(content):
    content.reporters = _names(getattr(content, "reporters", None))
    content.correspondents = _names(getattr(content, "correspondents", None))
    content.photographers = _names(getattr(content, "photographers", None))
    content.signoffs = signoffs(content)


def build_column_nav(categories, settings):
    """Columns in the order the office set in COLUMNS, then any others by name."""
    order = {name: index for index, name in enumerate(settings.get("COLUMNS", []))}
    ordered = sorted(categories, key=lambda item: (order.get(item[0].name, len(order)), item[0].name))
    return [category for category, articles in ordered if articles]


@dataclass(frozen=True)
class ArchiveYear:
    year: int
    url: str
    articles: list


def build_archive_years(articles, settings):
    """Newest year first, each with its articles newest first."""
    years = {}
    for article in articles:
        years.setdefault(article.date.year, []).append(article)
    pattern = settings.get("YEAR_ARCHIVE_URL", "archives/{date:%Y}/")
    return [
        ArchiveYear(year, pattern.format(date=items[0].date), sorted(items, key=lambda a: a.date, reverse=True))
        for year, items in sorted(years.items(), reverse=True)
    ]


def link_taxonomies(generator):
    """Each article's column and tags with the address of their page, or
    None where no page is written: Pelican makes tag and column pages from
    listed articles only, so a hidden article's own tag has none."""
    tag_pages = {tag for tag, _ in generator.tags.items()}
    column_pages = {category for category, _ in generator.categories}
    for article in (*generator.articles, *generator.hidden_articles):
        article.tag_links = [(tag.name, tag.url if tag in tag_pages else None) for tag in getattr(article, "tags", ())]
        category = getattr(article, "category", None)
        article.column_url = category.url if category in column_pages else None
