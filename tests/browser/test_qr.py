"""A phone camera reads the "分享至手机" QR code: the code is rendered by
Chromium, photographed (screenshot) and decoded with zxing-cpp; it must give
the page's canonical URL — on screen and in the printed notice."""

import io

import pytest
import zxingcpp
from PIL import Image

from tests.site.helpers import CANONICAL


def decode(png):
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    return [result.text for result in results]


@pytest.mark.parametrize("path", [
    "/2025/06/qinghe-jiayuan-elevators/",
    "/notices/2026-11-13-subsistence-allowance-publicity/",
    "/albums/mid-autumn-2026/",
])
def test_share_qr_code_scans_to_the_canonical_url(page, site_url, path):
    page.goto(site_url + path)
    code = page.locator(".share .qr-code")
    assert decode(code.screenshot()) == [CANONICAL + path]


def test_printed_notice_carries_a_readable_qr_code(page, site_url):
    path = "/notices/2026-11-13-subsistence-allowance-publicity/"
    page.goto(site_url + path)
    page.emulate_media(media="print")
    code = page.locator(".qr-code").first
    assert code.is_visible()
    assert decode(code.screenshot()) == [CANONICAL + path]
