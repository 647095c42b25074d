"""plugins/wordimport: real .docx files, written here with python-docx the way
Word and WPS write them, imported and then built into a site."""

import io
import re
import subprocess
import sys
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Inches, Pt
from PIL import Image

from plugins.common import ContentError
from plugins.privacy.pii import id_check_digit
from plugins.wordimport import byline
from plugins.wordimport.__main__ import main
from plugins.wordimport.importer import import_document

from .conftest import ROOT, run_pelican

# A resident ID with a valid check digit and a mobile number, as a
# correspondent's participants table carries them.
RESIDENT_ID = "11010519491231002" + id_check_digit("11010519491231002")
MOBILE = "13812345678"
GPS_IFD = 0x8825
INDENT = "\u3000\u3000"


def photo_bytes(colour, size=(800, 600), gps=False):
    image = Image.new("RGB", size, colour)
    exif = image.getexif()
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        gps_ifd = exif.get_ifd(GPS_IFD)
        gps_ifd[1] = "N"
        gps_ifd[2] = (25.0, 2.0, 30.0)
        gps_ifd[3] = "E"
        gps_ifd[4] = (102.0, 42.0, 15.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def centred(document, text, size=None, bold=False):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def short_document(path, title, *paragraphs):
    """A centred bold title and plain paragraphs, saved to ``path``."""
    doc = Document()
    centred(doc, title, bold=True)
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(path)
    return path


def add_raw(paragraph, xml):
    paragraph._p.append(parse_xml(xml))


def correspondent_document(path):
    """What a community correspondent sends: WPS-style centred bold title,
    byline and date at the top, indented paragraphs, two captioned photos
    (one carrying GPS), a participants table with a merged cell and an ID
    number, a footnote, a comment, hidden text, tracked changes, a manual
    line break, empty paragraphs and a Word drawing (EMF), bylines at the end."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(12)
    centred(doc, "青禾社区举办重阳节敬老活动", size=18, bold=True)
    doc.add_paragraph("记者 林晓岚 通讯员 陈雨桐")
    doc.add_paragraph("来源：临江融媒")
    doc.add_paragraph("2026年10月11日")
    doc.add_paragraph("")
    first = doc.add_paragraph(INDENT + "10月11日上午，青禾社区在党群服务中心举办“九九重阳 情暖青禾”敬老活动，")
    add_raw(first, f'<w:ins {nsdecls("w")} w:id="1" w:author="陈雨桐" w:date="2026-10-11T10:00:00Z"><w:r><w:t>八十余位</w:t></w:r></w:ins>')
    add_raw(first, f'<w:del {nsdecls("w")} w:id="2" w:author="陈雨桐" w:date="2026-10-11T10:00:00Z"><w:r><w:delText>删掉的旧说法</w:delText></w:r></w:del>')
    first.add_run("老人参加。")
    hidden = first.add_run("内部备注不要发")
    hidden.font.hidden = True
    noted = first.add_run("社区书记到场看望。")
    doc.add_comment(noted, text="这句要核实", author="韩思远")
    add_raw(first, f'<w:r {nsdecls("w")}><w:footnoteReference w:id="1"/></w:r>')
    doc.add_paragraph("")
    second = doc.add_paragraph(INDENT + "活动分为“义诊”“理发”“文艺演出”三个环节。")
    second.add_run().add_break()
    second.add_run(INDENT + "志愿者为老人量血压、剪头发，")
    second.add_run().add_break()
    second.add_run("大家脸上都是笑容。")
    doc.add_heading("活动现场", level=1)
    doc.add_picture(io.BytesIO(photo_bytes("#c0392b", gps=True)), width=Inches(4))
    centred(doc, "图为志愿者为老人测量血压")
    doc.add_paragraph(INDENT + "演出环节，社区合唱队带来了《我和我的祖国》。")
    doc.add_picture(io.BytesIO(photo_bytes("#2e86c1")), width=Inches(4))
    centred(doc, "社区合唱队合影", size=9)
    doc.add_picture(io.BytesIO(photo_bytes("#888888", size=(40, 30))), width=Inches(1))  # becomes the EMF below
    doc.add_paragraph(INDENT + "参加活动的老人名单如下：")
    table = doc.add_table(rows=4, cols=3)
    rows = [("楼栋", "姓名", "身份证号"), ("3 栋", "蔡秀英", RESIDENT_ID), ("", "周福生", f"电话 {MOBILE}"), ("5 栋", "李桂兰", "（未登记）")]
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    table.cell(1, 0).merge(table.cell(2, 0))
    doc.add_paragraph("   ")
    doc.add_paragraph("文：周启明　图：韩梅")
    doc.add_paragraph("责任编辑：赵六")
    doc.save(path)
    _add_footnote_and_drawing(path)
    return path


def _add_footnote_and_drawing(path):
    """python-docx writes neither footnotes nor EMF: add them to the package
    the way Word stores them."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    parts["word/footnotes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {w}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> 重阳节：农历九月初九，2012 年起定为老年节。</w:t></w:r></w:p></w:footnote>'
        '</w:footnotes>'
    ).encode("utf-8")
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdFoot" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    )
    media = sorted(name for name in parts if name.startswith("word/media/"))
    drawing = media[-1]  # the third picture
    emf = drawing.rsplit(".", 1)[0] + ".emf"
    parts[emf] = b"\x01\x00\x00\x00" + b"\x00" * 80 + b" EMF"  # an EMF header Pillow cannot draw
    del parts[drawing]
    rels = rels.replace(drawing.split("/", 1)[1], emf.split("/", 1)[1])
    parts["word/_rels/document.xml.rels"] = rels.encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8").replace(
        "</Types>",
        '<Default Extension="emf" ContentType="image/x-emf"/>'
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
    )
    parts["[Content_Types].xml"] = types.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def run_import(*args, root):
    """The command an editor runs (`make import` calls it)."""
    return subprocess.run(
        [sys.executable, "-m", "plugins.wordimport", "--root", str(root),
         "--settings", str(ROOT / "pelicanconf.py"), *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def build(root):
    (root / "content" / "pages").mkdir(parents=True, exist_ok=True)
    return run_pelican(root / "content", root / "output", cache=root / "cache")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The correspondent's document imported with `make import` and built."""
    root = tmp_path_factory.mktemp("wordimport")
    document = correspondent_document(root / "重阳节敬老活动（终稿）.docx")
    result = run_import(document, "--column", "社区动态", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    articles = list((root / "content" / "articles").rglob("*.md"))
    assert len(articles) == 1
    site = build(root)
    assert site.returncode == 0, site.log
    return root, result.stdout + result.stderr, articles[0], site


def article_page(site):
    pages = [p for p in site.root.glob("2026/10/*/index.html")]
    assert len(pages) == 1, site.files()
    return site.html(str(pages[0].relative_to(site.root)))


# --- the whole path: Word → article → built page ------------------------------

def test_header_is_filled_like_a_scaffolded_article(imported):
    _, _, article, _ = imported
    text = article.read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0].splitlines()
    keys = [re.split("[:：]", line, 1)[0] for line in header]
    assert keys == ["标题", "日期", "栏目", "标签", "slug", "摘要", "来源", "记者", "通讯员", "摄影",
                    "责任编辑", "审核", "终审", "封面", "相册", "状态"]
    assert "标题：青禾社区举办重阳节敬老活动" in header
    assert "日期：2026-10-11" in header
    assert "来源：临江融媒" in header
    assert "记者：林晓岚、周启明" in header
    assert "通讯员：陈雨桐" in header
    assert "摄影：韩梅" in header
    assert "责任编辑：赵六" in header
    assert "审核：" in header and "终审：" in header  # left for the office to sign
    assert article.parent.name == "2026"
    assert article.name == "2026-10-11-qing-he-she-qu-ju-ban-zhong-yang-jie-jing-lao-huo-dong.md"


def test_built_page_shows_title_and_byline(imported):
    *_, site = imported
    page = article_page(site)
    assert page.h1.get_text(strip=True) == "青禾社区举办重阳节敬老活动"
    byline_text = page.select_one(".byline").get_text(" ", strip=True)
    assert "全媒体记者 林晓岚 周启明" in byline_text
    assert "通讯员 陈雨桐" in byline_text
    assert "摄影 韩梅" in byline_text
    assert "来源：临江融媒" in page.select_one(".article-meta").get_text()
    assert page.select_one(".signoffs").get_text(" ", strip=True) == "责任编辑 赵六"


def test_body_is_clean_prose(imported):
    *_, site = imported
    body = page_body = article_page(site).select_one(".article-body")
    text = body.get_text("\n")
    paragraphs = [p.get_text() for p in page_body.find_all("p", recursive=False)]
    # Indentation gone, bylines and the date line moved out of the body.
    assert paragraphs[0].startswith("10月11日上午")
    assert not any(p.startswith(("\u3000", " ")) for p in paragraphs)
    for moved in ("记者 林晓岚", "来源：", "2026年10月11日", "文：周启明", "责任编辑"):
        assert moved not in text
    # Tracked changes accepted, hidden text and comments gone.
    assert "八十余位老人参加" in text
    assert "删掉的旧说法" not in text and "内部备注" not in text and "这句要核实" not in text
    # A manual line break after a sentence starts a paragraph; one mid-sentence joins.
    assert "活动分为“义诊”“理发”“文艺演出”三个环节。" in paragraphs
    assert "志愿者为老人量血压、剪头发，大家脸上都是笑容。" in paragraphs
    assert body.find("h2").get_text(strip=True) == "活动现场"
    # The footnote is a note at the end.
    notes = body.select_one(".footnote")
    assert notes is not None and "农历九月初九" in notes.get_text()


def test_photos_are_figures_with_captions_and_no_gps(imported):
    root, _, _, site = imported
    figures = article_page(site).select(".article-body figure.photo")
    assert [f.figcaption.get_text(strip=True) for f in figures] == ["图为志愿者为老人测量血压", "社区合唱队合影"]
    published = []
    for figure in figures:
        for img in figure.find_all(["img", "source"]):
            for candidate in (img.get("srcset") or "").split(","):
                url = candidate.strip().split(" ")[0]
                if url:
                    published.append((site.root / "2026" / "10" / "x" / url).resolve())
    assert published and all(path.is_file() for path in published)
    for path in published:
        with Image.open(path) as image:
            exif = image.getexif()
            assert not exif.get_ifd(GPS_IFD) and not dict(exif), path
            assert "exif" not in image.info and "xmp" not in image.info
    # The extracted original still has its GPS (it is the editor's copy) but is never published.
    originals = sorted((root / "content" / "photos").rglob("photo-*"))
    assert [p.name for p in originals] == ["photo-01.jpg", "photo-02.jpg"]
    with Image.open(originals[0]) as image:
        assert image.getexif().get_ifd(GPS_IFD)
    assert not list(site.root.rglob("photo-01.jpg"))
    assert not list(site.root.rglob("*.md")) and not list(site.root.rglob("*.docx"))


def test_table_is_rendered_with_the_merged_cell_noted(imported):
    _, report, article, site = imported
    table = article_page(site).select_one(".article-body table")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == ["楼栋", "姓名", "身份证号"]
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")]
    assert rows[0][:2] == ["3 栋", "蔡秀英"] and rows[1][:2] == ["", "周福生"] and rows[2][0] == "5 栋"
    assert "合并单元格" in report
    assert "<!-- 导入提示：表格 1 有合并单元格" in article.read_text(encoding="utf-8")
    assert "导入提示" not in site.text(str(next(site.root.glob("2026/10/*/index.html")).relative_to(site.root)))


def test_personal_data_is_reported_masked_at_import(imported):
    _, report, article, site = imported
    assert "身份证号 110105********002" in report or "身份证号 110105" in report
    assert "手机号 138****5678" in report
    line = next(i for i, text in enumerate(article.read_text(encoding="utf-8").split("\n"), 1) if MOBILE in text)
    assert f"{article.name}:{line}" in report
    assert RESIDENT_ID not in report and MOBILE not in report
    # The preview build warns too (pelicanconf's PII_POLICY is "warn").
    assert "138****5678" in site.log


def test_report_says_where_title_and_date_came_from_and_names_the_drawing(imported):
    _, report, article, _ = imported
    assert "开头居中/加粗的短段落" in report
    assert "文中的日期行" in report
    assert re.search(r"image\d+\.emf", report) and "无法转换" in report
    assert re.search(r"<!-- 导入提示：此处原有一张图（image\d+\.emf）无法导入", article.read_text(encoding="utf-8"))
    assert "隐藏文字" in report and "修订" in report and "批注 1 条" in report


# --- forms of byline and date ------------------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ("记者 林晓岚 通讯员 陈雨桐", {"reporters": ["林晓岚"], "correspondents": ["陈雨桐"]}),
    ("记者：林晓岚、周启明　通讯员：陈雨桐", {"reporters": ["林晓岚", "周启明"], "correspondents": ["陈雨桐"]}),
    ("来源：临江融媒", {"source": "临江融媒"}),
    ("（通讯员 张三 李四）", {"correspondents": ["张三", "李四"]}),
    ("(记者 张三)", {"reporters": ["张三"]}),
    ("文/图 王五", {"reporters": ["王五"], "photographers": ["王五"]}),
    ("文 / 图：王五", {"reporters": ["王五"], "photographers": ["王五"]}),
    ("文：张三　图：李四", {"reporters": ["张三"], "photographers": ["李四"]}),
    ("责任编辑：赵六", {"editor": ["赵六"]}),
    ("全媒体记者 欧阳晓 摄影 韩梅", {"reporters": ["欧阳晓"], "photographers": ["韩梅"]}),
    ("记者 文静", {"reporters": ["文静"]}),
])
def test_byline_forms(line, expected):
    assert byline.parse_byline(line) == expected


@pytest.mark.parametrize("line", [
    "记者从社区了解到，活动吸引了两百多位居民。",
    "图为志愿者合影",
    "文明城市创建工作推进会召开",
    "来源：据居民反映，这里常年积水。",
    "编辑部的同志们辛苦了",
])
def test_prose_is_not_a_byline(line):
    assert byline.parse_byline(line) is None


def test_bracketed_bylines_opening_and_closing_a_paragraph():
    found, rest = byline.split_lead_in("本报讯（记者 张三 通讯员 李四）10月11日上午，活动开始。")
    assert found == {"reporters": ["张三"], "correspondents": ["李四"]} and rest == "10月11日上午，活动开始。"
    found, rest = byline.split_trailer("活动圆满结束。（通讯员 张三 李四）")
    assert found == {"correspondents": ["张三", "李四"]} and rest == "活动圆满结束。"
    assert byline.split_trailer("居民（包括老人）都来了")[0] is None


@pytest.mark.parametrize("line, expected", [
    ("2026年11月18日", "2026-11-18"),
    ("二〇二六年十一月十八日", "2026-11-18"),
    ("日期：2026-11-18 15:30", "2026-11-18 15:30:00"),
    ("2026/11/8", "2026-11-08"),
    ("11月18日上午", "None"),
    ("2026年11月18日上午，社区召开会议。", "None"),
])
def test_date_lines(line, expected):
    assert str(byline.parse_date_line(line)) == expected


# --- other documents ------------------------------------------------------------------------------

def test_title_style_and_lead_in_byline_and_file_time(tmp_path):
    doc = Document()
    doc.add_paragraph("禾丰苑完成雨污分流改造", style="Title")
    doc.add_paragraph(INDENT + "本报讯（记者 林晓岚 通讯员 陈雨桐）11月18日，禾丰苑雨污分流改造完工。")
    doc.add_paragraph(INDENT + "改造共铺设管道 1200 米。（通讯员 张三 李四）")
    path = tmp_path / "稿件.docx"
    doc.save(path)
    result = import_document(path, tmp_path)
    text = result.article.read_text(encoding="utf-8")
    assert "标题：禾丰苑完成雨污分流改造" in text
    assert "记者：林晓岚" in text and "通讯员：陈雨桐、张三、李四" in text
    body = text.split("\n\n", 1)[1]
    assert body.startswith("11月18日，禾丰苑雨污分流改造完工。")
    assert "改造共铺设管道 1200 米。\n" in body and "（通讯员" not in body
    assert any("文件的修改时间" in line for line in result.found)
    assert "状态：published" in text


def test_caption_style_and_a_picture_without_caption(tmp_path):
    doc = Document()
    centred(doc, "楼道微改造", bold=True)
    doc.add_paragraph(INDENT + "3 栋楼道完成粉刷。")
    doc.add_picture(io.BytesIO(photo_bytes("#27ae60")), width=Inches(3))
    doc.add_paragraph("改造后的楼道", style="Caption")
    doc.add_picture(io.BytesIO(photo_bytes("#8e44ad")), width=Inches(3))
    doc.add_paragraph(INDENT + "居民们很满意。")
    path = tmp_path / "楼道.docx"
    doc.save(path)
    result = import_document(path, tmp_path)
    body = result.article.read_text(encoding="utf-8").split("\n\n", 1)[1]
    assert re.search(r"^!\[改造后的楼道\]\(\{static\}/photos/[^)]+/photo-01\.jpg\)$", body, re.M)
    assert re.search(r"^!\[\]\(\{static\}/photos/[^)]+/photo-02\.jpg\)$", body, re.M)
    assert "居民们很满意。" in body
    assert any("第 2 张图没有图注" in note for note in result.notes)


def test_old_formats_are_converted_when_libreoffice_is_installed(tmp_path, monkeypatch):
    converted = short_document(tmp_path / "converted.docx", "老格式稿件", "正文。")
    office = tmp_path / "soffice"
    office.write_text(
        '#!/bin/sh\n# soffice --headless --convert-to docx --outdir DIR FILE\n'
        'name=$(basename "$6"); cp "$LINLI_TEST_DOCX" "$5/${name%.*}.docx"\n'
    )
    office.chmod(0o755)
    monkeypatch.setattr("plugins.wordimport.source.libreoffice", lambda: str(office))
    monkeypatch.setenv("LINLI_TEST_DOCX", str(converted))
    old = tmp_path / "旧稿.doc"
    old.write_bytes(OLE + b"\x00" * 600)
    result = import_document(old, tmp_path)
    assert result.title == "老格式稿件"
    assert any("LibreOffice" in note for note in result.notes)


def test_title_from_the_file_name_when_the_document_has_none(tmp_path):
    doc = Document()
    doc.add_paragraph(INDENT + "11月18日，社区开展消防演练，居民们学习使用灭火器，很多老人第一次亲手操作。")
    path = tmp_path / "消防演练进小区（终稿）.docx"
    doc.save(path)
    result = import_document(path, tmp_path)
    assert result.title == "消防演练进小区"
    assert any("文件名" in line for line in result.found)


def test_lists_links_emphasis_and_headings(tmp_path):
    doc = Document()
    doc.add_heading("便民服务进小区", level=1)
    p = doc.add_paragraph("服务内容")
    p.add_run("包括").bold = True
    p.add_run("理发和").italic = True
    link = doc.add_paragraph("详见")
    add_raw(link, f'<w:hyperlink {nsdecls("w", "r")} r:id="{doc.part.relate_to("https://example.org/guide", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", is_external=True)}"><w:r><w:t>办事指南</w:t></w:r></w:hyperlink>')
    doc.add_heading("服务时间", level=2)
    doc.add_paragraph("每月第一个周六", style="List Bullet")
    doc.add_paragraph("每月第三个周六", style="List Bullet")
    doc.add_paragraph("报名", style="List Number")
    doc.add_paragraph("到场", style="List Number")
    path = tmp_path / "便民服务.docx"
    doc.save(path)
    body = import_document(path, tmp_path).article.read_text(encoding="utf-8").split("\n\n", 1)[1]
    assert "服务内容**包括***理发和*" in body
    assert "## 服务时间" in body
    assert "详见[办事指南](https://example.org/guide)" in body
    assert "- 每月第一个周六\n- 每月第三个周六" in body
    assert "1. 报名\n2. 到场" in body


# --- bad input and re-import -------------------------------------------------------------------

def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize("name, data, words", [
    ("旧稿.doc", OLE + b"\x00" * 600, ["旧版 Word", "另存为", ".docx"]),
    ("稿件.wps", OLE + b"\x00" * 600, ["WPS", "另存为"]),
    ("加密.docx", OLE + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le"), ["密码"]),
    ("网页.doc", "<html><body>稿件</body></html>".encode("utf-8"), ["网页", "另存为"]),
    ("RTF.doc", b"{\\rtf1\\ansi hello}", ["RTF", "另存为"]),
    ("空.docx", b"", ["空的"]),
    ("半截.docx", None, ["损坏"]),
    ("表格.docx", _zip({"xl/workbook.xml": "<workbook/>"}), ["Excel"]),
    ("照片.docx", b"\xff\xd8\xff\xe0 not a document", ["不是 Word 文档"]),
    ("空白.docx", "blank", ["没有正文"]),
])
def test_files_that_are_not_importable_get_a_clear_message(tmp_path, monkeypatch, name, data, words):
    monkeypatch.setattr("plugins.wordimport.source.libreoffice", lambda: None)
    path = tmp_path / name
    if data == "blank":  # a document with nothing in it but empty paragraphs
        doc = Document()
        doc.add_paragraph(INDENT)
        doc.add_paragraph("")
        doc.save(path)
        data = path.read_bytes()
    if data is None:  # a .docx cut off half-way through the download
        doc = Document()
        doc.add_paragraph("正文" * 200)
        doc.save(path)
        data = path.read_bytes()[: len(path.read_bytes()) // 2]
    path.write_bytes(data)
    with pytest.raises(ContentError) as caught:
        import_document(path, tmp_path)
    message = str(caught.value)
    assert name in message
    for word in words:
        assert word in message
    assert not (tmp_path / "content" / "articles").exists()


def test_command_exits_non_zero_naming_each_failed_file(tmp_path, capsys):
    short_document(tmp_path / "稿件.docx", "社区新闻", "正文。")
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"PK\x03\x04 broken")
    status = main(["--root", str(tmp_path), "--settings", "none.py", str(tmp_path)])
    out = capsys.readouterr()
    assert status == 1
    assert "坏.docx" in out.err and "Traceback" not in out.err
    assert "1 篇成功，1 篇失败" in out.out


def test_reimport_never_overwrites_an_edited_article(tmp_path, capsys):
    path = short_document(tmp_path / "垃圾分类.docx", "垃圾分类督导", "2026年11月2日", INDENT + "志愿者在投放点值守。")
    args = ["--root", str(tmp_path), "--settings", "none.py", str(path)]
    assert main(args) == 0
    article = next((tmp_path / "content" / "articles").rglob("*.md"))
    assert main(args) == 0 and "未改动" in capsys.readouterr().out
    edited = article.read_text(encoding="utf-8").replace("审核：", "审核：罗美华")
    article.write_text(edited, encoding="utf-8")
    assert main(args) == 1
    assert "FORCE=1" in capsys.readouterr().err
    assert article.read_text(encoding="utf-8") == edited
    assert main(args[:-1] + ["--force", str(path)]) == 0
    assert "审核：\n" in article.read_text(encoding="utf-8")


def test_a_folder_at_once_skipping_word_lock_files(tmp_path):
    folder = tmp_path / "来稿"
    folder.mkdir()
    for title in ("第一篇稿件", "第二篇稿件"):
        short_document(folder / f"{title}.docx", title, "正文。")
    (folder / "~$第一篇稿件.docx").write_bytes(b"\x00" * 162)  # Word's lock file
    assert main(["--root", str(tmp_path), "--settings", "none.py", str(folder)]) == 0
    titles = sorted(p.read_text(encoding="utf-8").split("\n", 1)[0] for p in (tmp_path / "content").rglob("*.md"))
    assert titles == ["标题：第一篇稿件", "标题：第二篇稿件"]
