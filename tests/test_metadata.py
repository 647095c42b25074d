"""The metadata reader: aliases, full-width colons, encodings, bad values."""

import datetime
import logging

import pytest
from pelican.settings import read_settings

from plugins.common import ContentError
from plugins.metadata import fields
from plugins.metadata.reader import LinliMarkdownReader, split_header
from tests.conftest import ROOT, article_source


@pytest.fixture
def reader(tmp_path):
    return LinliMarkdownReader(read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(tmp_path)}))


def read(reader, tmp_path, data, name="a.md"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return reader.read(str(path))


ALL_ALIASES = """标题：社区议事会召开
日期：2025-06-18 15:50
栏目：社区动态
标签：议事会、基层治理，志愿服务
摘要：议事会讨论了停车问题。
来源：临江融媒
记者：林晓岚 周启明
通讯员：陈雨桐、李可
责任编辑：韩思远
审核：罗美华
终审：吴建国
封面：photos/spring/IMG_0001.JPG
相册：spring-cleanup
状态：hidden
发布单位：青禾社区居委会
文号：青禾社〔2025〕3号
类型：通知
生效日期：2025-06-20
截止日期：2025年6月30日
置顶：是
附件：停水范围.pdf、报名表.docx
有效性：有效
替代文件：old-notice

正文第一段。
"""


def test_every_chinese_alias_maps_to_its_key(reader, tmp_path):
    content, meta = read(reader, tmp_path, ALL_ALIASES)
    assert meta["title"] == "社区议事会召开"
    assert meta["date"] == datetime.datetime(2025, 6, 18, 15, 50)
    assert meta["category"].name == "社区动态"
    assert [tag.name for tag in meta["tags"]] == ["议事会", "基层治理", "志愿服务"]
    assert "停车" in meta["summary"]
    assert meta["source"] == "临江融媒"
    assert meta["reporters"] == ["林晓岚", "周启明"]
    assert meta["correspondents"] == ["陈雨桐", "李可"]
    assert (meta["editor"], meta["reviewer"], meta["approver"]) == ("韩思远", "罗美华", "吴建国")
    assert meta["cover"] == "photos/spring/IMG_0001.JPG"
    assert meta["album"] == "spring-cleanup"
    assert meta["status"] == "hidden"
    assert meta["issuer"] == "青禾社区居委会"
    assert meta["docnumber"] == "青禾社〔2025〕3号"
    assert meta["kind"] == "通知"
    assert meta["effective"] == datetime.datetime(2025, 6, 20)
    assert meta["expires"] == datetime.datetime(2025, 6, 30)
    assert meta["pinned"] is True
    assert meta["attachments"] == ["停水范围.pdf", "报名表.docx"]
    assert meta["validity"] == "有效"
    assert meta["replacedby"] == "old-notice"
    assert "<p>正文第一段。</p>" in content


def test_every_alias_is_listed_in_the_content_model():
    canonical = set(fields.ALIASES.values())
    assert {"title", "date", "category", "tags", "summary", "source", "reporters",
            "correspondents", "editor", "reviewer", "approver", "cover", "album",
            "status", "issuer", "docnumber", "kind", "effective", "expires",
            "pinned", "attachments", "validity", "replacedby"} <= canonical


@pytest.mark.parametrize("alias", ["发布时间", "日期"])
def test_date_aliases(reader, tmp_path, alias):
    _, meta = read(reader, tmp_path, f"标题：甲\n{alias}：2024-07-01 15:50\n\n正文")
    assert meta["date"] == datetime.datetime(2024, 7, 1, 15, 50)


def test_english_keys_with_half_and_full_width_colons(reader, tmp_path):
    _, meta = read(reader, tmp_path, "Title：甲\ndate: 2024/7/1\nTags: 甲,乙\n\n正文")
    assert meta["title"] == "甲"
    assert meta["date"] == datetime.datetime(2024, 7, 1)
    assert [t.name for t in meta["tags"]] == ["甲", "乙"]


def test_body_is_not_mistaken_for_header(reader, tmp_path):
    content, meta = read(reader, tmp_path, "标题：甲\n\n注意：明天停水。\n")
    assert "注意：明天停水。" in content
    assert "注意" not in meta


@pytest.mark.parametrize("value, expected", [
    ("2024-07-01", datetime.datetime(2024, 7, 1)),
    ("2024-07-01 15:50", datetime.datetime(2024, 7, 1, 15, 50)),
    ("2024年7月1日 15:50", datetime.datetime(2024, 7, 1, 15, 50)),
    ("2024.7.1", datetime.datetime(2024, 7, 1)),
    ("2024-07-01 15：50", datetime.datetime(2024, 7, 1, 15, 50)),
])
def test_date_forms_editors_type(value, expected):
    assert fields.parse_date(value) == expected


def test_utf8_with_bom_and_crlf(reader, tmp_path):
    data = "\ufeff标题：春季义诊\r\n日期：2025-03-01\r\n\r\n第一段。\r\n\r\n第二段。\r\n".encode("utf-8")
    content, meta = read(reader, tmp_path, data)
    assert meta["title"] == "春季义诊"
    assert "\r" not in content and "\ufeff" not in content
    assert content.count("<p>") == 2


def test_gbk_file_is_decoded_with_a_warning(reader, tmp_path, caplog):
    data = "标题：垃圾分类宣传\n日期：2025-03-01\n\n居民踊跃参加。\n".encode("gbk")
    with caplog.at_level(logging.WARNING):
        content, meta = read(reader, tmp_path, data, name="gbk.md")
    assert meta["title"] == "垃圾分类宣传"
    assert "居民踊跃参加" in content
    assert any("gbk.md" in r.getMessage() and "GB18030" in r.getMessage() for r in caplog.records)


def test_undecodable_file_is_an_error(reader, tmp_path):
    with pytest.raises(ContentError) as error:
        read(reader, tmp_path, b"title: x\n\n\xff\xfe\xff bad", name="bad.md")
    assert "bad.md" in str(error.value)


@pytest.mark.parametrize("text, line, words", [
    ("标题：甲\n日期：2024-13-45\n\n正文", 2, "日期"),
    ("标题：甲\n日期：昨天下午\n\n正文", 2, "日期"),
    ("标题：甲\n日期：2024-07-01\n置顶：也许\n\n正文", 3, "是/否"),
    ("标题：甲\n记者：、、\n\n正文", 2, "列表为空"),
    ("标题：甲\n记者：张三今天写了这篇报道。\n\n正文", 2, "列表"),
    ("标题：甲\n状态：待定\n\n正文", 2, "状态"),
    ("日期：2024-07-01\n\n正文", 1, "缺少标题"),
    ("标题：\n日期：2024-07-01\n\n正文", 1, "标题为空"),
])
def test_bad_values_name_file_and_line(reader, tmp_path, text, line, words):
    with pytest.raises(ContentError) as error:
        read(reader, tmp_path, text, name="bad.md")
    message = str(error.value)
    assert f"bad.md:{line}:" in message
    assert words in message


def test_split_header_keeps_line_numbers():
    entries, body, first = split_header("title: a\ndate: 2024-01-01\n\nbody\n")
    assert [(k, v, n) for k, v, n in entries] == [("title", "a", 1), ("date", "2024-01-01", 2)]
    assert body == "body\n" and first == 4


def test_bad_date_fails_the_build_naming_file_and_line(make_site):
    build = make_site({"articles/bad.md": "标题：坏日期\n日期：2024-02-30\n栏目：社区动态\n\n正文\n"})
    assert build.returncode != 0
    assert "bad.md:2" in build.log
    assert "Traceback" not in build.log


def test_gbk_article_builds_without_mojibake(make_site):
    source = article_source(title="旧电脑写的稿件", body="居民踊跃参加垃圾分类宣传活动。").encode("gb18030")
    build = make_site({"articles/old.md": source})
    assert build.returncode == 0, build.log
    page = next(p for p in build.files() if p.name == "index.html" and "2026/01" in str(p))
    text = page.read_text(encoding="utf-8")
    assert "旧电脑写的稿件" in text and "居民踊跃参加垃圾分类宣传活动" in text
    assert "old.md" in build.log  # the warning names the file


def test_blank_values_mean_not_given(reader, tmp_path):
    _, meta = read(reader, tmp_path, "标题：甲\n标签：\n记者：\n置顶：\n\n正文")
    assert "tags" not in meta and "reporters" not in meta and "pinned" not in meta


def test_new_article_scaffold_builds_as_a_draft(tmp_path):
    from plugins.editorial.scaffold import new_article
    from plugins.metadata.reader import LinliMarkdownReader

    path = new_article("楼道微更新", "红色物业", root=tmp_path)
    text = path.read_text(encoding="utf-8")
    for alias in ("标题", "日期", "栏目", "标签", "摘要", "来源", "记者", "通讯员", "责任编辑", "审核", "终审", "封面", "相册", "状态"):
        assert f"{alias}：" in text
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(tmp_path)})
    _, meta = LinliMarkdownReader(settings).read(str(path))
    assert meta["title"] == "楼道微更新" and meta["status"] == "draft"
    assert meta["category"].name == "红色物业"


def test_unknown_chinese_key_in_header_is_reported_not_published(reader, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        content, meta = read(reader, tmp_path, "标题：甲\n作者：张三\n责任编辑：韩思远\n\n正文")
    assert meta["editor"] == "韩思远"
    assert "作者" not in content
    assert any("a.md:2" in r.getMessage() and "作者" in r.getMessage() for r in caplog.records)


def test_article_without_date_names_file(make_site):
    build = make_site({"articles/nodate.md": "标题：没有日期\n栏目：社区动态\n\n正文\n"})
    assert build.returncode != 0
    assert "nodate.md:1" in build.log and "缺少日期" in build.log


def test_article_without_column_goes_to_the_first_column_and_summary_is_first_paragraph(make_site):
    body = "第一段是导语。\n\n第二段很长很长。" + "内容" * 200
    build = make_site({"articles/news/a.md": f"标题：无栏目\n日期：2026-01-05\nslug: a\n\n{body}\n"})
    assert build.returncode == 0, build.log
    soup = build.html("2026/01/a/")
    assert [li.get_text(strip=True) for li in soup.select(".breadcrumb li")][1] == "社区动态"
    assert soup.find("meta", attrs={"name": "description"})["content"] == "第一段是导语。"


def test_full_width_digits_in_dates():
    assert fields.parse_date("２０２４－０７－０１　１５：５０") == datetime.datetime(2024, 7, 1, 15, 50)


# --- property: no input makes the reader fail with anything but ContentError --------

from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hsettings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_KEYS = sorted(fields.ALIASES) + ["title", "date", "tags", "status", "slug", "template", "expires", "pinned", "x-y", "标"]
_SEPARATORS = [":", "：", " : ", "：　", "::", ""]
_ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "latin-1"]
_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["2025-06-31", "2025/6/18", "２０２５年６月１８日", "是", "否", "draft", "hidden", "、、", "\x00", "9" * 40]),
)


def _property_reader(tmp_path_factory):
    folder = tmp_path_factory.mktemp("property")
    return folder, LinliMarkdownReader(read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(folder)}))


def _read_or_content_error(reader, folder, data):
    path = folder / "articles" / "a.md"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    logging.disable(logging.CRITICAL)  # thousands of reports are expected
    try:
        content, metadata = reader.read(str(path))
    except ContentError as error:
        assert error.path and error.message  # names the file, says what
        return None
    finally:
        logging.disable(logging.NOTSET)
    assert isinstance(content, str) and "title" in metadata
    return metadata


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes_give_a_piece_or_a_content_error(tmp_path_factory, data):
    folder, reader = _property_reader(tmp_path_factory)
    _read_or_content_error(reader, folder, data)


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.tuples(st.sampled_from(_KEYS), st.sampled_from(_SEPARATORS), _VALUES), max_size=12),
    body=st.text(max_size=200),
    encoding=st.sampled_from(_ENCODINGS),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    nul=st.booleans(),
)
def test_header_and_body_junk_in_any_encoding_never_raises_anything_else(tmp_path_factory, header, body, encoding, newline, nul):
    folder, reader = _property_reader(tmp_path_factory)
    text = newline.join(f"{key}{separator}{value}" for key, separator, value in header) + newline * 2 + body
    data = text.encode(encoding, errors="replace")
    if nul:
        data = data.replace(b"\n", b"\x00\n", 1)
    _read_or_content_error(reader, folder, data)
