"""Proofread plugin (发布前审校): what a site inspection catches, found before
publishing — typography (autocorrect), the operator's 规范表述 list,
hand-masked numbers and door numbers in 公示 lists, reprints without their
original link, and the freshness report. See README.md.

Each piece is linted when Pelican makes it (``content_object_init``): a
rebuild that reads one edited file lints that file again, and the lint of a
text is kept across builds (plugins/memo.py); findings are reported on
every build. ``PROOFREAD = "warn"`` (make html) reports everything as a
warning; ``"fail"`` (make publish, make check) makes the findings of rules
set to ``error`` errors, which stop the build.
"""

import datetime
import functools
import hashlib
import importlib.metadata

from pelican import signals
from pelican.contents import Page, Static

from .. import memo
from ..common import ContentError, build_date, location, logger, report_finding, setting
from ..metadata.encoding import read_source
from .lint import Config, lint_text
from .site import SITE, site_findings
from .typography import RULES as TYPOGRAPHY_RULES
from .wording import EMPTY, WordingListError, load_list

ERROR, WARNING, OFF = "error", "warning", "off"
LEVELS = (ERROR, WARNING, OFF)

# Every rule and its level: "error" stops `make publish` (PROOFREAD = "fail"),
# "warning" is reported, "off" is not looked for. PROOFREAD_RULES overrides
# any of them; README.md says why each default is what it is.
DEFAULT_RULES = {
    "punctuation": ERROR,  # 中文句子里的半角 , . ! ? : ;
    "fullwidth-alnum": WARNING,  # 全角数字和字母 １２３ ＡＢＣ
    "punctuation-space": WARNING,  # 全角标点旁多余的空格
    "quote-space": OFF,  # 引号旁的空格（标题常用空格分开两句，默认不查）
    "spacing": OFF,  # 中文与英文、数字之间的空格（多数政务网站不加，默认不查）
    "wording": ERROR,  # 规范表述表：每条自带级别，不超过这里的级别
    "masking": ERROR,  # 手工打码的号码格式不规范
    "address": WARNING,  # 公示名单里写到门牌号
    "reprint-source": ERROR,  # 来源不是本社区却没有原文链接
    "stale": WARNING,  # 首页、栏目、通知公告超过期限未更新
    "empty": WARNING,  # 空栏目、空标签页、空通知公告栏
    "nothing-in-force": WARNING,  # 通知公告栏没有正在生效的通知
}

DEFAULTS = {
    # "fail": findings of error rules are errors (publishconf.py); "warn":
    # everything is a warning (pelicanconf.py); "off". A site that forgets
    # the setting is checked as for publishing.
    "PROOFREAD": "fail",
    "PROOFREAD_RULES": {},
    # The 规范表述 list (wrong → right), relative to where `make` runs.
    "PROOFREAD_WORDING": "wording.txt",
    # Sources (来源) that are this community, besides SITENAME, SITE_OPERATOR and AUTHOR.
    "PROOFREAD_OWN_SOURCES": ["本站", "本社区", "原创"],
    # The freshness report's warnings in this build too: `make check` always
    # shows them, and its errors (PROOFREAD_RULES) always stop `make publish`.
    "FRESHNESS_REPORT": False,
    # Days a column, the home page (首页) or the notice board (通知公告) may go
    # without a new piece; FRESHNESS_LIMITS names exceptions (0: never stale).
    "FRESHNESS_DAYS": 14,
    "FRESHNESS_LIMITS": {},
}

MEMO = "proofread"
RULE_TEXT = {
    "punctuation": ("中文里用了半角标点", "half-width punctuation in Chinese text"),
    "fullwidth-alnum": ("用了全角数字或字母", "full-width digits or letters"),
    "punctuation-space": ("全角标点旁有多余的空格", "extra space beside full-width punctuation"),
    "quote-space": ("引号旁有多余的空格", "extra space beside quotation marks"),
    "spacing": ("中文与英文、数字之间缺少空格", "no space between Chinese and English or numbers"),
}
KIND_TEXT = {
    "mobile": ("手机号", "mobile", "前 3 位 + 4 个 * + 后 4 位"),
    "id": ("身份证号", "ID", "最多保留前 6 位和后 4 位，出生日期必须遮住"),
    "bankcard": ("银行卡号", "bank card", "最多保留前 6 位和后 4 位"),
}


class State:
    """What one build lints with."""

    def __init__(self, settings):
        self.settings = settings
        self.mode = str(setting(settings, "PROOFREAD", DEFAULTS)).strip().lower()
        self.problems = []  # (path, line, message) about the settings or the list, reported once
        if self.mode not in ("fail", "warn", "off"):
            self.problems.append((
                "PROOFREAD", None,
                f"PROOFREAD 应为 fail / warn / off，按 fail 处理 / PROOFREAD must be fail, warn or off (got {self.mode!r}); using fail",
            ))
            self.mode = "fail"
        self.rules = dict(DEFAULT_RULES)
        overrides = setting(settings, "PROOFREAD_RULES", DEFAULTS) or {}
        for name, level in dict(overrides).items():
            level = str(level).strip().lower()
            if name not in DEFAULT_RULES or level not in LEVELS:
                self.problems.append((
                    "PROOFREAD_RULES", None,
                    f"PROOFREAD_RULES 里的“{name}: {level}”无效：规则见 plugins/proofread/README.md，级别为 error / warning / off / "
                    f"unknown rule or level {name!r}: {level!r}",
                ))
                continue
            self.rules[name] = level
        self.wording = EMPTY
        if self.rules["wording"] != OFF:
            self.wording = _wording_list(settings, self.problems)
        self.config = Config(
            typography=tuple(rule for rule in TYPOGRAPHY_RULES if self.rules[rule] != OFF),
            wording=self.wording,
            masking=self.rules["masking"] != OFF,
            addresses=self.rules["address"] != OFF,
        )
        own = [settings.get("SITENAME"), settings.get("SITE_OPERATOR"), settings.get("AUTHOR")]
        own += list(setting(settings, "PROOFREAD_OWN_SOURCES", DEFAULTS) or [])
        self.own_sources = [str(name).strip() for name in own if name and len(str(name).strip()) >= 2]
        try:
            self.today = build_date(settings)
        except ContentError:  # a bad BUILD_DATE: reported where it is read first
            self.today = datetime.date.today()

    def level(self, rule, cap=ERROR, published=True):
        """The level a finding of ``rule`` is reported at, or None."""
        level = self.rules.get(rule, WARNING)
        if self.mode == "off" or level == OFF:
            return None
        if level == ERROR and (cap != ERROR or not published or self.mode != "fail"):
            level = WARNING
        return level


_state = None
_reported = set()  # files linted this build (content_object_init may fire twice for one)


def _wording_path(settings):
    return str(setting(settings, "PROOFREAD_WORDING", DEFAULTS) or "")


def _wording_list(settings, problems):
    path = _wording_path(settings)
    if not path:
        return EMPTY
    try:
        return load_list(path)
    except FileNotFoundError:
        problems.append((path, None, "规范表述表不存在，未检查规范表述 / wording list not found: not checked"))
    except WordingListError as error:
        problems.append((path, error.line, f"规范表述表这一行读不懂：{error} / cannot read this line of the wording list"))
    except (OSError, ContentError) as error:
        problems.append((path, None, f"规范表述表无法读取 / cannot read the wording list: {error}"))
    return EMPTY


@functools.lru_cache(maxsize=1)
def _versions():
    found = []
    for name in ("autocorrect-py", "pyahocorasick"):
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return "|".join(found)


def add_key(pelican):
    """Put what the lint depends on beyond the settings (the list file, the
    libraries) into the settings, so that the render record, the memo and
    the quick rebuild (which key on the settings) see a change. When
    Pelican starts, and again when each build starts (before the
    incremental plugin reads the key: PLUGINS lists us first)."""
    digest = hashlib.blake2b(_versions().encode(), digest_size=8)
    try:
        with open(_wording_path(pelican.settings), "rb") as handle:
            digest.update(handle.read())
    except (OSError, TypeError):
        digest.update(b"-")
    pelican.settings["PROOFREAD_KEY"] = digest.hexdigest()


def start(pelican):
    """Each build (each rebuild of `make devserver` too) starts here."""
    global _state
    _reported.clear()
    add_key(pelican)
    _state = State(pelican.settings)


def _current(settings):
    global _state
    if _state is None:
        _state = State(settings)
    return _state


def emit(level, where, line, problem, fix, english, rule, fixable=False):
    """Log one finding: ``file:line: 问题，建议 / English``; the report page
    (make check) reads the parts from the record."""
    report_finding(
        where, None if where == SITE else line, f"{problem}，{fix} / {english}", level == ERROR,
        {"problem": problem, "fix": fix, "english": english, "rule": rule, "fixable": fixable},
    )


def _published(content, settings):
    """False for a piece this build will not publish (a draft, future-dated,
    without its sign-offs): its findings are never errors."""
    if getattr(content, "status", "published") == "draft":
        return False
    from ..editorial.gate import unpublishable_reason

    return unpublishable_reason(content, settings, review=not isinstance(content, Page)) is None


def linter(settings):
    """``lint_text`` with the build's configuration; None when it is off."""
    state = _current(settings)
    return None if state.mode == "off" else lambda text: lint_text(text, state.config)


def check_piece(content):
    if isinstance(content, Static):
        return
    path = getattr(content, "source_path", None)
    if not path or not str(path).lower().endswith((".md", ".markdown", ".mdown")) or path in _reported:
        return
    state = _current(content.settings)
    if state.mode == "off":
        return
    _reported.add(path)
    try:
        text, _ = read_source(path)
    except (OSError, ContentError):
        return  # the reader reports it
    findings = memo.remembered(MEMO, text, linter(content.settings))
    published = _published(content, content.settings)
    date = getattr(content, "date", None)
    day = date.date() if hasattr(date, "date") else None
    expires = getattr(content, "expires", None)
    expires = expires.date() if hasattr(expires, "date") else expires
    list_public = expires is None or state.today <= expires
    for line, column, rule, old, new, data in findings:
        if data.get("block") and not list_public:
            continue  # the 公示 list is no longer published
        cap = ERROR
        if rule == "wording":
            entry = state.wording.entries[data["entry"]]
            if entry.since and day and day < entry.since:
                continue
            cap = entry.level
        level = state.level(rule, cap, published)
        if level is None:
            continue
        emit(level, path, line, *describe(rule, old, new, data, state), rule, fixable="edits" in data)
    _check_source(content, state, published)


def describe(rule, old, new, data, state):
    """(problem, fix, English) of a finding."""
    if rule in RULE_TEXT:
        zh, en = RULE_TEXT[rule]
        return f"{zh}：“{old}”", f"改为“{new}”，make fix 可自动改正", f"{en}: {old!r} → {new!r} (make fix corrects it)"
    if rule == "wording":
        entry = state.wording.entries[data["entry"]]
        why = f"（{entry.reason}）" if entry.reason else ""
        auto = "，make fix 可自动改正" if entry.auto else ""
        return (
            f"不规范表述“{old}”{why}",
            f"应为“{new}”{auto}（规范表述表第 {entry.line} 行）",
            f"standard wording: {old!r} should be {new!r} (wording list line {entry.line})",
        )
    if rule == "masking":
        zh, en, form = KIND_TEXT[data["kind"]]
        if data["shown"]:
            problem = f"{zh}打码后仍多显示了 {data['shown']} 位"
            if data["kind"] == "id":
                problem += "，可能看得出出生日期"
        else:
            problem = f"{zh}打码格式不规范（* 的个数不对）"
        fix = f"写成 {new}（{form}）" if new else f"按“{form}”打码"
        return problem, fix, f"masked {en} number not in the accepted form: write {new or form}"
    if rule == "address":
        fix = f"只写到楼栋，如“{new}”" if new else "只写到楼栋，删去单元号和门牌号"
        return "公示名单里的地址写到了门牌号", fix, f"an address in a 公示 list gives the door number: stop at the building ({new or '3栋'})"
    return rule, "", rule


def _check_source(content, state, published):
    """A reprint (来源 is not this community) must link its original."""
    source = content.metadata.get("source")
    if not isinstance(source, str) or not source.strip() or content.metadata.get("original_url"):
        return
    name = source.strip()
    if any(own in name or name in own for own in state.own_sources):
        return
    level = state.level("reprint-source", ERROR, published)
    if level is None:
        return
    line = (content.metadata.get("metadata_lines") or {}).get("source")
    emit(
        level, content.source_path, line,
        f"来源“{name}”不是本社区，转载稿缺少原文链接",
        "加一行“原文链接：https://…”（最好再写“原标题：…”）；本社区自己的稿件把来源写成社区名称",
        f"source {name!r} is not this community and there is no original_url: add 原文链接 (and 原标题)",
        "reprint-source",
    )


def check_site(generators):
    """After every generator: problems with the settings or the list, and
    the freshness report (errors in time to stop the build, before anything
    is written)."""
    if not generators:
        return
    settings = generators[0].settings
    state = _current(settings)
    report = logger.error if state.mode == "fail" else logger.warning
    for path, line, message in state.problems:
        report("%s: %s", location(path, line), message)
    if state.mode == "off":
        return
    warnings = settings.get("LINLI_CHECK_ONLY") or setting(settings, "FRESHNESS_REPORT", DEFAULTS)
    days = setting(settings, "FRESHNESS_DAYS", DEFAULTS)
    limits = setting(settings, "FRESHNESS_LIMITS", DEFAULTS) or {}
    for finding in site_findings(generators, settings, days, limits):
        level = state.level(finding.rule)
        if level == ERROR or (level == WARNING and warnings):
            emit(level, finding.where, finding.line, finding.problem, finding.fix, finding.english, finding.rule)


def register():
    signals.initialized.connect(add_key)
    signals.get_generators.connect(start)
    signals.content_object_init.connect(check_piece)
    memo.compute_ahead(MEMO, "source", linter)
    signals.all_generators_finalized.connect(check_site)

