"""发布前审校 (plugins/proofread, plugins/privacy/masking.py): what a site
inspection catches, on text the way community editors write it — the lint
functions on their own, then one small site that fails `make publish` with
file and line, its report page, `make fix`, and its fixed twin that passes."""

import codecs
import json
import pickle
import re
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings as hsettings, strategies as st

import plugins.notices  # noqa: F401  (imported once here, not in every forked build)
import plugins.proofread as proofread
from plugins.privacy.masking import find_bad_masks, find_door_numbers
from plugins.privacy.pii import mask_text
from plugins.proofread import typography
from plugins.proofread.fix import fix_file, read
from plugins.proofread.lint import Config, lint_text
from plugins.safety.report import Item, render
from plugins.proofread.wording import WordingList, WordingListError, load_list, parse_list
from tests.conftest import BUILD_DATE, ROOT, article_source, build_in_fork, flat_log
from tests.test_privacy import cards, mobiles, resident_ids

DEFAULT_TYPOGRAPHY = ("punctuation", "fullwidth-alnum", "punctuation-space")
STARTER = load_list(ROOT / "wording.txt")


def rules(findings):
    return [(line, rule) for line, _, rule, *_ in findings]


def lint(text, typography=DEFAULT_TYPOGRAPHY, wording=STARTER, **options):
    return lint_text(text, Config(typography=typography, wording=wording, **options))


# --- typography (autocorrect) ---------------------------------------------------

EDITOR_COPY = """标题：青禾社区开展消防演练,居民学会使用灭火器
日期：2026-11-18 10:00
标签：消防安全,平安社区
摘要：３０余名居民参加演练。

11月18日上午,青禾社区在禾丰苑中心广场开展消防应急演练.
消防救援站的教员先讲解了灭火器的使用方法 ，随后居民们分组上手操作!
演练持续约1小时，共有30余名居民参加。

![演练现场,居民在操作灭火器]({static}/photos/drill/IMG_1,2.jpg)

详见[通知,附件]({filename}/notices/drill,2026.md)，报名请访问 https://example.org/a,b 。

`code,here` 与 <!-- 导入提示：合并单元格,已拆开 -->
"""


def test_typography_finds_what_editors_type_with_line_and_suggestion():
    found = lint(EDITOR_COPY)
    assert rules(found) == [
        (1, "punctuation"),  # the title
        (4, "fullwidth-alnum"),  # the summary: ３０
        (6, "punctuation"),
        (7, "punctuation-space"),
        (7, "punctuation"),
        (10, "punctuation"),  # the caption is published text; its path is not touched
        (12, "punctuation"),  # the link text; not the link target, not the URL
        (12, "punctuation-space"),
    ]  # line 14: code and an HTML comment are not published text
    line, column, rule, old, new, data = found[2]
    assert (old, new) == ("11月18日上午,青禾社区在禾", "11月18日上午，青禾社区在禾")
    assert column == len("11月18日上午,")
    assert data["edits"] == [[8, 9, "，"], [29, 30, "。"]]
    # The tags line is a list of names, not a sentence: never linted.
    assert not any(number == 3 for number, _ in rules(found))


def test_spaces_between_chinese_and_numbers_only_when_the_site_wants_them():
    text = "标题：3号楼加装电梯\n\n青禾家园3栋、5栋两部电梯通过验收,APP上可以预约。\n"
    assert [r for _, r in rules(lint(text))] == ["punctuation"]
    found = lint(text, typography=DEFAULT_TYPOGRAPHY + ("spacing",))
    assert rules(found) == [(1, "spacing"), (3, "spacing"), (3, "punctuation")]
    assert found[1][4].startswith("青禾家园 3 栋、5 栋")


def test_full_width_decimal_point_becomes_half_width_with_its_digits():
    (finding,) = lint("正文\n\n补贴标准为每月１２０．５元。\n")
    assert finding[2] == "fullwidth-alnum" and "120.5元" in finding[4]


def test_a_personal_number_next_to_a_comma_is_masked_in_the_message():
    (finding,) = lint("正文\n\n联系人王阿姨13812345678,请在工作日致电。\n", wording=WordingList([]))
    assert "13812345678" not in finding[3] + finding[4]
    assert "138****5678" in finding[3]


ALPHABET = st.sampled_from(list("社区居民的了在，。、：；！？“”（）《》,.!?:;() \t\n|-AbZ019１２Ａ"))


@pytest.mark.parametrize("enabled", [tuple(typography.RULES), DEFAULT_TYPOGRAPHY, ("punctuation",), ("spacing",)])
@hsettings(max_examples=250, deadline=None)
@given(text=st.lists(ALPHABET, min_size=1, max_size=16).map("".join))
def test_the_cheap_pre_check_never_hides_what_autocorrect_changes(enabled, text):
    import autocorrect_py

    typography.configure(enabled)
    if autocorrect_py.format_for(text, "markdown") != text:
        assert typography.may_need(text, enabled)


# --- the 规范表述 list ----------------------------------------------------------


def test_list_format_levels_options_and_allowed_phrases():
    entries, allowed = parse_list(
        "# 注释\n"
        "计生委 → 卫健委 | 错误 | 机构改革 | 2018-03-17起\n"
        "按装 -> 安装 | error | 错别字 | 自动\n"
        "香港政府 => 香港特区政府 ｜ 提醒\n"
        "习总书记 → 习近平总书记\n"
        "允许：原计生委\n"
    )
    assert [(e.wrong, e.right, e.level, e.auto, str(e.since), e.line) for e in entries] == [
        ("计生委", "卫健委", "error", False, "2018-03-17", 2),
        ("按装", "安装", "error", True, "None", 3),
        ("香港政府", "香港特区政府", "warning", False, "None", 4),
        ("习总书记", "习近平总书记", "error", False, "None", 5),
    ]
    assert allowed == ["原计生委"]


@pytest.mark.parametrize("line, words", [
    ("计生委 卫健委", "错误写法 → 正确写法"),
    ("计生委 → 卫健委 | 严重错误", "级别"),
    ("计生委 → 卫健委 | 错误 | 说明 | 下周", "选项"),
    ("计生委 → 计生委", "相同"),
])
def test_a_line_the_list_cannot_read_is_named(line, words):
    with pytest.raises(WordingListError) as raised:
        parse_list("# 表头\n" + line)
    assert raised.value.line == 2 and words in str(raised.value)


def test_longest_leftmost_match_and_allowed_phrases_win():
    wording = WordingList(*parse_list(
        "工商局 → 市场监管局\n区工商局长 → 区市场监管局局长\n允许：原工商局\n允许：习近平新时代中国特色社会主义思想\n"
        "新时代中国特色社会主义思想 → 习近平新时代中国特色社会主义思想\n"
    ))
    text = "原工商局旧址；区工商局长到场；工商局；学习习近平新时代中国特色社会主义思想，新时代中国特色社会主义思想。"
    found = [(text[s:e]) for s, e, _ in wording.find(text)]
    assert found == ["区工商局长", "工商局", "新时代中国特色社会主义思想"]


def test_starter_list_is_small_documented_and_never_contradicts_itself():
    assert 30 <= len(STARTER.entries) <= 60
    assert all(entry.reason for entry in STARTER.entries)
    assert {e.level for e in STARTER.entries} == {"error", "warning"}
    # Writing the right form never produces another finding: a fix converges.
    for entry in STARTER.entries:
        assert STARTER.find(entry.right) == [], entry


def test_wording_in_header_values_and_body_but_not_in_names_or_file_names():
    text = (
        "标题：区卫计委工作人员进社区\n日期：2026-11-02\n标签：计生委宣传\n记者：卫计委\n"
        "封面：photos/卫计委/a.jpg\n\n区卫计委和工商局的同志为居民讲解政策，工作做的很好。\n"
    )
    found = [(line, old) for line, _, rule, old, *_ in lint(text) if rule == "wording"]
    assert found == [(1, "卫计委"), (3, "计生委"), (7, "卫计委"), (7, "工商局"), (7, "做的很好")]


# --- masked numbers and door numbers ----------------------------------------------


@pytest.mark.parametrize("text", [
    "联系电话：138****1234", "手机 +86 138 **** 5678", "**138****1234**", "身份证号 110105********002X",
    "身份证号 410105******123", "卡号 ************0128", "卡号 6222 02** **** 0128", "*******5678",
    "共计 **2026** 年", "第 12 届 ** 重点 **",
])
def test_accepted_masked_forms_and_markdown_are_left_alone(text):
    assert find_bad_masks(text) == []


@pytest.mark.parametrize("text, kind, suggestion, shown", [
    ("请联系网格员 138***1234。", "mobile", "138****1234", 0),
    ("电话：138*****1234", "mobile", "138****1234", 0),
    ("电话：1381234****", "mobile", "138********", 4),
    ("身份证号：110105194912****2X", "id", "110105**********2X", 6),
    ("身份证号：１１０１０５１９４９＊＊＊＊＊＊＊＊０２Ｘ", None, None, None),
    ("身份证号：110105********002X，卡号 6222021234****0128", "bankcard", "622202********0128", 4),
])
def test_badly_masked_numbers_get_the_accepted_form(text, kind, suggestion, shown):
    found = find_bad_masks(text)
    if kind is None:
        assert found == []
        return
    (bad,) = found
    assert (bad.kind, bad.suggestion, bad.shown) == (kind, suggestion, shown)


@hsettings(max_examples=200, deadline=None)
@given(number=st.one_of(resident_ids(), mobiles(), cards()), before=st.sampled_from(["", "电话", "号码：", "（"]))
def test_what_the_privacy_masker_writes_always_passes(number, before):
    assert find_bad_masks(mask_text(before + number + "。")) == []


@pytest.mark.parametrize("line, suggestion", [
    ("| 1 | 郑秀兰 | 青禾家园3栋2单元501室 |", "青禾家园3栋"),
    ("| 2 | 王建军 | 禾丰苑 5号楼1单元302 |", "禾丰苑 5号楼"),
    ("| 3 | 李淑芬 | 3-2-501 |", "3栋"),
    ("- 钱桂英，青禾家园 12栋 3单元 1102", "青禾家园 12栋"),
])
def test_door_numbers_in_a_publicity_list(line, suggestion):
    (door,) = find_door_numbers(line)
    assert door.suggestion == suggestion


@pytest.mark.parametrize("line", [
    "| 1 | 郑秀兰 | 青禾家园3栋 |", "| 2 | 王建军 | 3栋2单元 |", "每人每月补贴 1200 元，共 36 户", "2026年11月20日",
])
def test_buildings_amounts_and_dates_are_not_door_numbers(line):
    assert find_door_numbers(line) == []


def test_addresses_only_in_publicity_lists_and_marked_blocks():
    body = "\n| 序号 | 姓名 | 住址 |\n|---|---|---|\n| 1 | 郑秀兰 | 3栋2单元501室 |\n"
    publicity = lint("标题：公示\n类型：公示\n" + body)
    notice = lint("标题：通知\n类型：通知\n" + body)
    marked = lint("标题：通知\n\n<!-- 公示名单 -->" + body + "<!-- /公示名单 -->\n")
    assert [r for _, r in rules(publicity)] == ["address"] and notice == []
    assert [(r, f[5].get("block")) for f in marked for r in [f[2]]] == [("address", True)]


# --- make fix --------------------------------------------------------------------

GBK_CRLF = (
    "标题：社区召开议事会,居民积极发言\r\n日期：2026-11-10 10:00\r\n标签：议事会,居民自治\r\n"
    "摘要：截止目前,已有３０户报名。\r\n\r\n11月10日上午,社区召开坐谈会。工作做的很好，饺子做的很好吃。\r\n"
    "联系电话 138***1234 。\r\n"
)


@pytest.fixture
def state():
    from pelican.settings import read_settings

    return proofread.State(read_settings(str(ROOT / "publishconf.py")))


def test_fix_keeps_gbk_crlf_and_bom_and_touches_only_what_is_safe(tmp_path, state):
    gbk = tmp_path / "gbk.md"
    gbk.write_bytes(GBK_CRLF.encode("gbk"))
    bom = tmp_path / "bom.md"
    bom.write_bytes(codecs.BOM_UTF8 + GBK_CRLF.replace("\r\n", "\n").encode("utf-8"))
    for path, encoding in ((gbk, "gbk"), (bom, "utf-8-sig")):
        before = path.read_bytes()
        result = fix_file(str(path), state, state.settings, dry_run=True)
        assert path.read_bytes() == before and "+11月10日上午，社区召开座谈会。工作做得很好，饺子做的很好吃。" in result.diff
        fix_file(str(path), state, state.settings)
        after = path.read_bytes()
        assert after.count(b"\r\n") == before.count(b"\r\n") and after.startswith(codecs.BOM_UTF8) == (path == bom)
        text = after.decode(encoding).replace("\r\n", "\n")
        assert text.split("\n")[:7] == [
            "标题：社区召开议事会，居民积极发言", "日期：2026-11-10 10:00", "标签：议事会,居民自治",
            "摘要：截至目前，已有30户报名。", "", "11月10日上午，社区召开座谈会。工作做得很好，饺子做的很好吃。",
            "联系电话 138***1234。",  # the masked number is the editor's to correct
        ]
        left = lint(text)
        assert [r for _, r in rules(left)] == ["masking"] and not any("edits" in f[5] for f in left)


def test_fix_never_changes_a_title_whose_address_it_makes(tmp_path, state):
    path = tmp_path / "content" / "articles" / "a.md"
    path.parent.mkdir(parents=True)
    path.write_text("标题：青禾家园3号楼加装电梯,投入使用\n日期：2026-11-10\n\n正文。\n", encoding="utf-8")
    spaced = proofread.State(dict(state.settings, PROOFREAD_RULES={"spacing": "warning"}, PATH=str(tmp_path / "content")))
    result = fix_file(str(path), spaced, spaced.settings)
    assert result.kept and result.kept[0][0] == 1 and path.read_text(encoding="utf-8").startswith("标题：青禾家园3号楼")
    path.write_text("标题：青禾家园3号楼加装电梯,投入使用\nslug: elevators\n\n正文。\n", encoding="utf-8")
    fix_file(str(path), spaced, spaced.settings)
    assert path.read_text(encoding="utf-8").startswith("标题：青禾家园 3 号楼加装电梯，投入使用\n")


# --- one small site: publish fails with file and line; its fixed twin passes -----

NOTICE = """标题：2026年第四季度临时救助对象公示
日期：2026-11-16 09:00
类型：公示
截止日期：2026-11-23
责任编辑：苏婉清
审核：罗美华
终审：吴建国

经居民申请、入户调查和评议，拟对以下对象给予临时救助，现予公示。如有异议请联系网格员 138***1234。

<!-- 公示名单 -->
| 序号 | 姓名 | 住址 |
|---|---|---|
| 1 | 郑秀兰 | 青禾家园3栋2单元501室 |
<!-- /公示名单 -->
"""
INSPECTION_SITE = {
    "articles/news/fire-drill.md": article_source(
        title="青禾社区开展消防演练", date="2026-11-18 10:00", slug="fire-drill",
        body="11月18日上午,青禾社区在禾丰苑中心广场开展消防演练.\n\n居民们认真学习灭火器的使用方法。",
    ),
    "articles/news/policy.md": article_source(
        title="政策宣讲进楼栋", date="2026-11-12 15:00", slug="policy-talk",
        body="区卫计委工作人员为居民讲解家庭医生签约政策。",
    ),
    "articles/news/archive.md": article_source(  # the old name was right in 2016
        title="区计生委开展宣传", date="2016-05-10 09:00", slug="archive", body="区计生委开展宣传。",
    ),
    "articles/party/day.md": article_source(
        title="主题党日活动", date="2026-09-01 09:00", category="党建引领", slug="party-day", body="党员们重温入党誓词。",
    ),
    "notices/2026-11-16-relief.md": NOTICE,
}
INSPECTION_SETTINGS = {"BUILD_DATE": BUILD_DATE, "PROOFREAD_RULES": {"stale": "error"}, "SEARCH_INDEX": False}


def build(content, output, settings_file, cache, **settings):
    overrides = {**INSPECTION_SETTINGS, "CACHE_PATH": str(cache), "LINK_CHECK_ALLOW": ["/favicon.svg", "/guide/"], **settings}
    argv = [str(content), "-o", str(output), "-s", str(ROOT / settings_file), "-e",
            *[f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in overrides.items()]]
    return build_in_fork(argv, output.parent / "build.log")


@pytest.fixture(scope="module")
def inspection(tmp_path_factory):
    base = tmp_path_factory.mktemp("inspection")
    content = base / "content"
    for relative, text in INSPECTION_SITE.items():
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        (content / relative).write_text(text, encoding="utf-8")
    return base, content


def test_publish_fails_naming_each_file_and_line_and_preview_only_warns(inspection):
    base, content = inspection
    published = build(content, base / "output", "publishconf.py", base / "cache")
    log = flat_log(published.stderr)
    assert published.returncode != 0
    assert not (base / "output").exists()
    for where, words in [
        ("articles/news/fire-drill.md:9:", "中文里用了半角标点"),
        ("articles/news/policy.md:9:", "不规范表述“卫计委”"),
        ("notices/2026-11-16-relief.md:9:", "手机号打码格式不规范"),
        ("站点/site:", "栏目“党建引领”已80天未更新"),
    ]:
        assert re.search(re.escape(where) + r"[^\n]*?" + re.escape(words), log), (where, words, log)
    assert "2026-11-16-relief.md:14:" in log and "公示名单里的地址写到了门牌号" in log  # a warning
    assert "archive.md" not in log  # 计生委 in a 2016 article: its list entry applies from 2018
    preview = build(content, base / "preview", "pelicanconf.py", base / "preview-cache")
    assert preview.returncode == 0, preview.stderr
    assert "fire-drill.md:9:" in flat_log(preview.stderr) and "ERROR" not in preview.stderr
    assert "党建引领" not in preview.stderr  # the freshness report is make check's and make publish's


@pytest.fixture(scope="module")
def checked(inspection):
    base, content = inspection
    page = base / "check" / "report.html"
    result = subprocess.run(
        [sys.executable, "-m", "plugins.safety", "publishconf.py", f'PATH="{content}"', f'BUILD_DATE="{BUILD_DATE}"',
         f'CACHE_PATH="{base / "check-cache"}"', f'CHECK_REPORT="{page}"', 'PROOFREAD_RULES={"stale": "error"}',
         'LINK_CHECK_ALLOW=["/favicon.svg", "/guide/"]', "SEARCH_INDEX=false"],
        cwd=ROOT, capture_output=True, text=True,
    )
    return result, page


def test_make_check_prints_findings_grouped_by_file_and_exits_1(checked):
    result, _ = checked
    assert result.returncode == 1
    out = result.stdout
    assert re.search(r"articles/news/fire-drill\.md\n  \S*fire-drill\.md:9: \[错误 error\] 中文里用了半角标点", out), out
    assert "站点 / site\n  站点 / site: [错误 error] 栏目“党建引领”已 80 天未更新" in out
    assert re.search(r"检查完成：4 个错误，\d+ 个提醒", out)


def test_report_page_counts_groups_lines_and_fixes(checked):
    _, page = checked
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    assert soup.html["lang"] == "zh-CN" and soup.title.get_text().startswith("发布前检查报告")
    assert "有 4 个错误，现在不能发布" in soup.select_one(".verdict-fail").get_text()
    counts = [li.strong.get_text() for li in soup.select(".counts li")]
    assert counts[0] == "4" and int(counts[1]) >= 1
    sections = {s.h2.get_text(): s for s in soup.select("main section[aria-labelledby^=f]")}
    drill = next(s for name, s in sections.items() if name.endswith("fire-drill.md"))
    cells = [td.get_text(" ", strip=True) for td in drill.select("tbody tr")[0].select("td")]
    assert cells[0] == "9" and cells[1] == "错误" and "半角标点" in cells[2] and "改为“" in cells[3]
    assert "make fix FILE=" in drill.get_text()
    assert "全站 / whole site" in sections
    # Nothing leaves the page: no script, stylesheet, image or font from anywhere.
    assert not soup.select("script, link, img, iframe, object") and "url(" not in soup.style.get_text()
    assert "138***1234" not in page.read_text(encoding="utf-8")


def test_report_page_is_valid_html(checked):
    from tests.site.test_html_valid import run_vnu

    _, page = checked
    assert run_vnu(str(page)) == []


def test_make_fix_then_the_fixed_twin_publishes(inspection):
    base, content = inspection
    twin = base / "twin"
    subprocess.run(["cp", "-r", str(content), str(twin)], check=True)
    fixed = subprocess.run(
        [sys.executable, "-m", "plugins.proofread", str(twin / "articles/news/fire-drill.md")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert fixed.returncode == 0, fixed.stderr
    assert "-11月18日上午,青禾社区在禾丰苑中心广场开展消防演练." in fixed.stdout
    assert "+11月18日上午，青禾社区在禾丰苑中心广场开展消防演练。" in fixed.stdout
    policy = twin / "articles/news/policy.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace("区卫计委", "区卫健委"), encoding="utf-8")
    notice = twin / "notices/2026-11-16-relief.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace("138***1234", "138****1234"), encoding="utf-8")
    (twin / "articles/party/new.md").write_text(article_source(
        title="党员志愿服务日", date="2026-11-15 09:00", category="党建引领", slug="volunteer-day", body="党员们清扫楼道。",
    ), encoding="utf-8")
    published = build(twin, base / "twin-output", "publishconf.py", base / "twin-cache")
    assert published.returncode == 0, published.stderr
    assert "ERROR" not in published.stderr
    page = (base / "twin-output" / "notices" / "2026-11-16-relief" / "index.html").read_text(encoding="utf-8")
    assert "138****1234" in page


def test_findings_are_reported_on_every_build_and_only_edited_files_are_linted_again(tmp_path):
    content = tmp_path / "content"
    for number in range(4):
        path = content / "articles" / f"a{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "第一段,写了半角逗号。" if number == 0 else "第一段。"
        path.write_text(article_source(title=f"新闻{number}", slug=f"a{number}", body=body), encoding="utf-8")
    calls = tmp_path / "calls.txt"
    wording = tmp_path / "wording.txt"
    wording.write_bytes((ROOT / "wording.txt").read_bytes())

    def count_lints():
        lint_function = proofread.lint_text

        def counted(text, config):
            with open(calls, "a", encoding="utf-8") as handle:
                handle.write("x\n")
            return lint_function(text, config)

        proofread.lint_text = counted

    def run():
        calls.write_text("", encoding="utf-8")
        argv = [str(content), "-o", str(tmp_path / "output"), "-s", str(ROOT / "pelicanconf.py"), "-e",
                f'BUILD_DATE="{BUILD_DATE}"', f'CACHE_PATH="{tmp_path / "cache"}"', "SEARCH_INDEX=false",
                'LINK_CHECK_ALLOW=["/favicon.svg", "/guide/"]', f'PROOFREAD_WORDING="{wording}"']
        result = build_in_fork(argv, tmp_path / "build.log", before=count_lints)
        return result, len(calls.read_text(encoding="utf-8").split())

    first, linted = run()
    assert first.returncode == 0 and linted == 4 and "a0.md:9:" in flat_log(first.stderr)
    (content / "articles" / "a2.md").write_text(
        article_source(title="新闻2", slug="a2", body="第一段改过。"), encoding="utf-8")
    second, linted = run()
    assert linted == 1  # a2.md; the others' results come from the memo
    assert "a0.md:9:" in flat_log(second.stderr)  # and are reported again
    (kept,) = (tmp_path / "cache").glob("linli-build-*.pickle")  # the build record (plugins/build_record.py)
    memo = pickle.loads(pickle.loads(kept.read_bytes())["sections"]["memo"])
    assert len(memo["memos"]["proofread"]) == 4
    # The operator adds an entry to the list: no content changed, yet every
    # file is linted again and the new entry is reported.
    with open(wording, "a", encoding="utf-8") as handle:
        handle.write("第一段改过 → 第一段已改 | 提醒 | 测试用\n")
    third, linted = run()
    assert linted == 4
    assert "a2.md:9:" in flat_log(third.stderr) and "不规范表述“第一段改过”" in flat_log(third.stderr)


def test_settings_switch_rules_off_and_a_broken_list_is_named(tmp_path):
    bad_list = tmp_path / "wording.txt"
    bad_list.write_text("按装 → 安装 | 错误\n计生委 卫健委\n", encoding="utf-8")
    article = tmp_path / "content" / "articles" / "a.md"
    article.parent.mkdir(parents=True)
    article.write_text(article_source(slug="a", body="第一段,有半角逗号。按装空调。"), encoding="utf-8")
    argv = [str(tmp_path / "content"), "-o", str(tmp_path / "output"), "-s", str(ROOT / "pelicanconf.py"), "-e",
            f'BUILD_DATE="{BUILD_DATE}"', f'CACHE_PATH="{tmp_path / "cache"}"', "SEARCH_INDEX=false",
            'LINK_CHECK_ALLOW=["/favicon.svg", "/guide/"]', 'PROOFREAD_RULES={"punctuation": "off"}',
            f'PROOFREAD_WORDING="{bad_list}"']
    result = build_in_fork(argv, tmp_path / "build.log")
    log = flat_log(result.stderr)
    assert result.returncode == 0
    assert "半角标点" not in log and "按装" not in log
    assert "wording.txt:2:" in log and "规范表述表这一行读不懂" in log


def test_demo_is_written_to_the_rules_it_ships_with():
    """The demo is ours: no finding with the production rules in any of its
    files (tests/site/test_demo_dates.py runs `make check` on it)."""
    from pelican.settings import read_settings

    state = proofread.State(read_settings(str(ROOT / "publishconf.py")))
    found = {}
    for path in sorted((ROOT / "content").rglob("*.md")):
        with open(path, "rb") as handle:
            findings = lint_text(read(handle.read(), str(path)).text, state.config)
        if findings:
            found[path.relative_to(ROOT).as_posix()] = findings
    assert found == {}


def test_report_page_without_findings_says_publish():
    soup = BeautifulSoup(render([], site_name="青禾社区", day="2026-11-20"), "lxml")
    assert "没有错误，可以发布" in soup.select_one(".verdict-pass").get_text()
    assert [li.strong.get_text() for li in soup.select(".counts li")] == ["0", "0", "0"]


def test_report_page_escapes_what_it_shows():
    html = render([Item("content/a.md", 3, True, "<script>alert(1)</script>")])
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_unreadable_fix_input_is_named(tmp_path, state):
    path = tmp_path / "broken.md"
    path.write_bytes(b"\xff\xfe\x00\x00bad")
    with pytest.raises(Exception) as raised:
        fix_file(str(path), state, state.settings)
    assert "编码" in str(raised.value)
    assert read("a\r\nb\nc".encode(), "x").endings == ["\r\n", "\n", ""]
