"""居务公开 on paper and in search: a finance notice prints on A4 with every
row of its table and its totals, the catalogue prints every item without the
site's navigation (what the office posts on the 居务公开栏 and shows an
inspector); a notice is found by its 索引号 and 文号."""

import pytest

from tests.browser.test_notice_print import A4, print_to_pdf

FINANCE = "notices/2026-10-12-public-welfare-funds-2026-q3/index.html"


def pdf_text(reader):
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def assert_a4(reader):
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) <= 2 and abs(float(box.height) - A4[1]) <= 2


@pytest.mark.browser
def test_a_finance_notice_prints_its_whole_table_on_a4(demo_site, tmp_path):
    reader = print_to_pdf(demo_site.path(FINANCE), tmp_path / "funds.pdf", tmp_path / "profile")
    assert len(reader.pages) <= 2
    assert_a4(reader)
    text = pdf_text(reader)
    table = demo_site.html(FINANCE).select_one(".notice-body table")
    for row in table.select("tr"):
        for cell in row.select("th, td"):
            assert "".join(cell.get_text().split()) in text, cell
    assert "".join(table.caption.get_text().split()) in text
    for clutter in ("长辈版", "跳到正文", "居务公开事项：", "ICP备案号"):
        assert clutter not in text, clutter


@pytest.mark.browser
def test_the_catalogue_prints_every_item_without_navigation(demo_site, tmp_path):
    reader = print_to_pdf(demo_site.path("disclosure/index.html"), tmp_path / "catalogue.pdf", tmp_path / "profile")
    assert_a4(reader)
    text = pdf_text(reader)
    page = demo_site.html("disclosure/")
    for title in page.select(".disclosure-item h3"):
        assert "".join(title.get_text().split()) in text
    assert "待公开" in text and "已逾期36天" in text
    for clutter in ("长辈版", "跳到正文", "ICP备案号", "历次公开"):
        assert clutter not in text, clutter


@pytest.mark.browser
@pytest.mark.parametrize("query", ["QHSQ/2026-00018", "青禾社〔2026〕18号"])
def test_a_notice_is_found_by_its_index_and_document_numbers(page, site_url, query):
    page.goto(site_url + "/search/?q=" + query)
    page.wait_for_selector("#search-results li")
    hrefs = [link.get_attribute("href") for link in page.locator("#search-results li h2 a").all()]
    assert any(href.endswith("/" + FINANCE.removesuffix("index.html")) for href in hrefs[:5]), hrefs
