"""Personal-data guard: checksums against published examples, precision cases,
masking formats, property tests, and whole-build behaviour of each policy."""

import datetime
import logging
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import assume, given, settings as hsettings, strategies as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from plugins.privacy.pii import (  # noqa: E402
    PROVINCES,
    find_pii,
    id_check_digit,
    is_valid_resident_id,
    luhn_valid,
    mask_text,
)

# --- Check digits ---------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the example printed in GB 11643-1999
        "11010519491231002x",  # lower-case x as people type it
        "440524188001010014",  # the widely reproduced Guangdong sample
        "410105491231123",  # legacy 15-digit form (GB 11643-1989)
    ],
)
def test_valid_resident_ids(number):
    assert is_valid_resident_id(number)


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check digit (should be X)
        "110105194912310020",
        "440524188001010015",  # wrong check digit (should be 4)
        "440524188001010010",
        "110105194913310021",  # correct check digit, but month 13
        "11010519491231002",  # 17 digits
        "410105491331123",  # legacy form, month 13
        "000105491231123",  # legacy form, no such province
    ],
)
def test_invalid_resident_ids(number):
    assert not is_valid_resident_id(number)


def test_check_digit_matches_the_standard():
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit("44052418800101001") == "4"
    with pytest.raises(ValueError):
        id_check_digit("1234")


def test_birth_date_must_not_be_in_the_future():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    first17 = "110105" + tomorrow.strftime("%Y%m%d") + "001"
    assert not is_valid_resident_id(first17 + id_check_digit(first17))


@pytest.mark.parametrize(
    "number",
    [
        "4111111111111111",  # Visa test number
        "4012888888881881",  # Visa test number
        "5555555555554444",  # Mastercard test number
        "5105105105105100",  # Mastercard test number
        "6200000000000005",  # UnionPay test number (Stripe)
        "6205500000000000004",  # UnionPay 19-digit test number (Stripe)
        "6222021234567890128",  # 19 digits, passes Luhn (checked by hand)
        "4111 1111 1111 1111",
    ],
)
def test_luhn_valid(number):
    assert luhn_valid(number)


@pytest.mark.parametrize(
    "number", ["4111111111111112", "6222021234567890123", "6212345678901234", "", "abc"]
)
def test_luhn_invalid(number):
    assert not luhn_valid(number)


# --- Finding: what counts and what does not ------------------------------------


def kinds(text):
    return [(h.kind, h.text) for h in find_pii(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("联系电话13812345678。", [("mobile", "13812345678")]),
        ("电话：138 1234 5678", [("mobile", "138 1234 5678")]),
        ("电话：138-1234-5678", [("mobile", "138-1234-5678")]),
        ("+86 13812345678", [("mobile", "+86 13812345678")]),
        ("0086-13812345678", [("mobile", "0086-13812345678")]),
        ("１３８１２３４５６７８", [("mobile", "１３８１２３４５６７８")]),
        ("身份证号11010519491231002X，", [("id", "11010519491231002X")]),
        ("110105 19491231 002X", [("id", "110105 19491231 002X")]),
        ("旧身份证410105491231123", [("id", "410105491231123")]),
        ("卡号6222021234567890128", [("bankcard", "6222021234567890128")]),
        ("卡号 6222 0212 3456 7890 128", [("bankcard", "6222 0212 3456 7890 128")]),
        ("4111 1111 1111 1111", [("bankcard", "4111 1111 1111 1111")]),
        # Also passes Luhn: a valid ID number is reported as an ID.
        ("440524188001010014", [("id", "440524188001010014")]),
        (
            "13812345678，13912345678 和 139 1234 5678",
            [
                ("mobile", "13812345678"),
                ("mobile", "13912345678"),
                ("mobile", "139 1234 5678"),
            ],
        ),
    ],
)
def test_finds(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "订单号 202407011234567891",  # 18 digits, fails the check digit and Luhn
        "社区电话 0871-6555 0123",  # landline
        "0871-65550123，(0871) 6555 0123，010-12345678",
        "政务服务热线 12345",
        "2024年7月1日，20240701，2024-07-01 13:45",
        "价格 ¥1380.00，13800元，共 12 户",
        "流水号 12345678901234567890",  # 20-digit run
        "编号 20241381234567",  # a mobile inside a 14-digit run
        "时间戳 1720000000123",
        "6222 0212 3456 7890 1234",  # twenty digits in groups
        "6212345678901234",  # 16 digits failing Luhn
        "378282246310005",  # 15-digit Amex: outside the 16–19 range
        "X13812345678901",  # 14-digit run after a letter
    ],
)
def test_does_not_flag(text):
    assert find_pii(text) == []


def test_offsets_point_into_the_original_text():
    text = "甲13812345678乙11010519491231002X丙"
    for hit in find_pii(text):
        assert text[hit.start:hit.end] == hit.text


# --- Masking formats --------------------------------------------------------------


@pytest.mark.parametrize(
    "text, masked",
    [
        ("13812345678", "138****5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("138 1234 5678", "138 **** 5678"),
        ("11010519491231002X", "110105********002X"),
        ("440524188001010014", "440524********0014"),
        ("410105491231123", "410105******123"),  # whole birth date hidden
        ("6222021234567890128", "***************0128"),
        ("4111 1111 1111 1111", "**** **** **** 1111"),
    ],
)
def test_mask_formats(text, masked):
    assert mask_text(text) == masked
    assert len(mask_text(text)) == len(text)


def test_mask_keeps_surrounding_text_and_allowed_numbers():
    text = "热线 138-0000-1111，居民 13812345678，服务 12345"
    expected = "热线 138-0000-1111，居民 138****5678，服务 12345"
    assert mask_text(text, allow=["13800001111"]) == expected
    assert mask_text("+86 13800001111", allow=["138 0000 1111"]) == "+86 13800001111"


# --- Properties -----------------------------------------------------------------

FILLER = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from("abcxyzXYZ ,.:;()-+，。：；（）、\n"),
    ),
    max_size=12,
)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def resident_ids(draw):
    born = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()))
    province = draw(st.sampled_from(sorted(PROVINCES)))
    area = province + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    sequence = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    first17 = area + born.strftime("%Y%m%d") + sequence
    number = first17 + id_check_digit(first17)
    return number.lower() if draw(st.booleans()) else number


@st.composite
def mobiles(draw):
    number = draw(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    sep = draw(st.sampled_from(["", " ", "-"]))
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "0086-", "86"]))
    return prefix + number[:3] + sep + number[3:7] + sep + number[7:]


@st.composite
def cards(draw):
    body = draw(st.from_regex(r"[0-9]{15,18}", fullmatch=True))
    check = next(d for d in "0123456789" if luhn_valid(body + d))
    number = body + check
    if draw(st.booleans()):
        number = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
    return number


def digits_only(text):
    half_width = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return re.sub(r"[^0-9]", "", half_width)


@hsettings(max_examples=300)
@given(
    before=FILLER,
    after=FILLER,
    number=st.one_of(resident_ids(), mobiles(), cards()),
    full_width=st.booleans(),
)
def test_masking_never_leaves_the_number(before, after, number, full_width):
    if full_width:
        number = number.translate(FULL_WIDTH)
    out = mask_text(before + number + after)
    assert number not in out
    assert digits_only(number) not in digits_only(out)


def is_mobile_form(digits):
    return re.fullmatch(r"(?:0086|86)?1[3-9][0-9]{9}", digits) is not None


@hsettings(max_examples=300)
@given(before=FILLER, run=st.from_regex(r"[0-9]{5,15}", fullmatch=True), after=FILLER)
def test_short_digit_runs_are_not_flagged(before, run, after):
    assume(not is_mobile_form(run) and not is_valid_resident_id(run))
    assert find_pii(before + run + after) == []


@hsettings(max_examples=300)
@given(first17=st.from_regex(r"[0-9]{17}", fullmatch=True), data=st.data())
def test_wrong_check_digit_is_not_an_id(first17, data):
    wrong = data.draw(st.sampled_from([c for c in "0123456789X" if c != id_check_digit(first17)]))
    number = first17 + wrong
    hits = find_pii(number)
    assert all(h.kind == "bankcard" and luhn_valid(h.digits) for h in hits)
    # Only a run that could be a card (it passes Luhn) is flagged at all.
    if not luhn_valid(number) and not luhn_valid(first17):
        assert hits == []


# --- The plugin in a real build ---------------------------------------------------

ARTICLE = """\
Title: 关于发放补贴的公示
Date: 2024-07-01 09:00
Category: 社区动态
Summary: 如有疑问请联系 13912345678

居民张某（身份证号 11010519491231002X）已申请。

联系人电话：13812345678，社区热线 0871-6555 0123。

办公室 13800001111 欢迎来电。
"""

LINES = {"13912345678": 4, "11010519491231002X": 6, "13812345678": 8, "13800001111": 10}
RAW = ["13912345678", "11010519491231002X", "13812345678"]
MASKED = ["139****5678", "110105********002X", "138****5678"]
ALLOW = ["138-0000-1111", "0871-6555 0123"]


@pytest.fixture
def build(tmp_path, caplog):
    """Build a one-article site with the privacy plugin; return the output tree."""
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    import plugins.privacy as privacy

    def run(policy, files=None, **extra):
        content = tmp_path / "content"
        for name, text in (files or {"articles/subsidy.md": ARTICLE}).items():
            target = content / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                target.write_text(text, encoding="utf-8")
        output = tmp_path / "output"
        settings = read_settings(
            None,
            override={
                "PATH": str(content),
                "OUTPUT_PATH": str(output),
                "PLUGINS": ["plugins.privacy"],
                "PII_POLICY": policy,
                "PII_ALLOW": ALLOW,
                "SITEURL": "https://example.org",
                "FEED_DOMAIN": "https://example.org",
                "TIMEZONE": "Asia/Shanghai",
                "DEFAULT_LANG": "zh-CN",
                "CACHE_CONTENT": False,
                "LOAD_CONTENT_CACHE": False,
                "STATIC_PATHS": ["files"],
                **extra,
            },
        )
        caplog.clear()
        with caplog.at_level(logging.INFO):
            Pelican(settings).run()
        return output

    yield run
    # Signals are process-wide: leave no guard behind for other tests' builds.
    signals.content_object_init.disconnect(privacy.check_content)
    signals.initialized.disconnect(privacy.reset)


def messages(caplog, level):
    return [r.getMessage() for r in caplog.records if r.levelno == level and r.name == "linli"]


def output_text(output):
    files = (p for p in output.rglob("*") if p.is_file())
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in files)


def assert_no_raw_number_logged(caplog):
    # Our messages only: Pelican itself logs the paths of files it copies.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "linli")
    for number in RAW:
        assert number not in logged


def test_fail_lists_every_hit_with_file_line_and_masked_form(build, caplog):
    build("fail")
    errors = messages(caplog, logging.ERROR)
    where = str(Path("content/articles/subsidy.md"))
    for raw, masked in zip(RAW, MASKED):
        line = LINES[raw]
        assert any(f"subsidy.md:{line}: " in e and masked in e for e in errors), (raw, errors)
    assert any("（身份证号）" in e and "resident ID number" in e for e in errors)
    assert any("（手机号）" in e and "mobile number" in e for e in errors)
    assert len(errors) == 3  # the allowed office number and the landline are not reported
    assert all(where in e or "subsidy.md" in e for e in errors)
    assert_no_raw_number_logged(caplog)


def test_mask_publishes_only_masked_forms(build, caplog):
    output = build("mask", FEED_ALL_ATOM="feeds/all.atom.xml")
    text = output_text(output)
    assert "138****5678" in text
    assert "110105********002X" in text
    assert "139****5678" in text  # the summary, in the listing and the feed
    for number in RAW:
        assert number not in text
    assert "13800001111" in text  # allowed
    assert messages(caplog, logging.ERROR) == []
    assert_no_raw_number_logged(caplog)


def test_mask_covers_title_tags_and_url(build):
    article = ARTICLE.replace(
        "Title: 关于发放补贴的公示",
        "Title: 寻找失主 13812345678\nTags: 13912345678, 失物",
    )
    output = build("mask", files={"articles/lost.md": article})
    text = output_text(output)
    paths = "\n".join(str(p) for p in output.rglob("*"))
    assert "寻找失主 138****5678" in text
    for number in RAW:
        assert number not in text
        assert number not in paths


def test_warn_reports_and_publishes(build, caplog):
    output = build("warn")
    warnings = messages(caplog, logging.WARNING)
    assert any("subsidy.md:8: " in w and "138****5678" in w for w in warnings)
    assert len(warnings) == 3
    assert messages(caplog, logging.ERROR) == []
    assert "13812345678" in output_text(output)
    assert_no_raw_number_logged(caplog)


def test_allowed_numbers_are_not_reported(build, caplog):
    allow = ALLOW + ["138 1234 5678", "+86 139-1234-5678", "11010519491231002x"]
    build("fail", PII_ALLOW=allow)
    assert messages(caplog, logging.ERROR) == []


def test_gbk_source_keeps_line_numbers(tmp_path):
    # Reading GBK in a build is the metadata plugin's job; the scan itself must
    # decode the same way so line numbers match what the editor sees.
    import plugins.privacy as privacy

    source = tmp_path / "subsidy.md"
    source.write_bytes(ARTICLE.replace("\n", "\r\n").encode("gb18030"))
    _, hits = privacy._source_hits(SimpleNamespace(source_path=str(source)), set())
    assert [(line, hit.masked) for line, hit in hits] == [
        (LINES[raw], masked) for raw, masked in zip(RAW, MASKED)
    ] + [(10, "138****1111")]


def test_file_names_are_checked(build, caplog):
    notice = (
        "Title: 补贴名单\nDate: 2024-07-01\n"
        "Attachments: 名单13812345678.pdf\n\n见附件。\n"
    )
    files = {"articles/list.md": notice, "files/名单13812345678.pdf": b"%PDF-1.4\n"}
    build("mask", files=files)
    errors = messages(caplog, logging.ERROR)
    assert any("list.md:3: " in e and "138****5678" in e and "rename" in e for e in errors)
    assert any("files" in e and "138****5678" in e and "rename" in e for e in errors)
    assert_no_raw_number_logged(caplog)


def test_each_file_reported_once_per_build(build, caplog):
    build("fail")
    first = messages(caplog, logging.ERROR)
    build("fail")  # a second build in the same process reports again, once
    assert messages(caplog, logging.ERROR) == first


def test_unknown_policy_fails_safe(build, caplog):
    build("publish-anyway")
    errors = messages(caplog, logging.ERROR)
    assert any("PII_POLICY" in e for e in errors)
    assert any("138****5678" in e for e in errors)


@pytest.mark.parametrize("policy", ["fail", "mask"])
def test_content_without_source_file_is_scanned_from_its_fields(policy, caplog):
    from pelican import signals
    from pelican.contents import Article
    from pelican.settings import read_settings

    import plugins.privacy as privacy

    privacy.register()
    try:
        privacy.reset()
        settings = read_settings(None, override={"PII_POLICY": policy, "PII_ALLOW": []})
        with caplog.at_level(logging.INFO):
            article = Article(
                "<p>电话 13812345678</p>",
                metadata={"title": "卡号 6222021234567890128", "summary": "13812345678"},
                settings=settings,
            )
    finally:
        signals.content_object_init.disconnect(privacy.check_content)
        signals.initialized.disconnect(privacy.reset)
    errors = messages(caplog, logging.ERROR)
    if policy == "fail":
        # Title, body and summary: no line numbers without a file.
        assert len(errors) == 3
        assert all(e.startswith("?: 发现个人信息") for e in errors)
        assert sum("（手机号）138****5678" in e for e in errors) == 2
        assert sum("（银行卡号）***************0128" in e for e in errors) == 1
        assert article.content == "<p>电话 13812345678</p>"
    else:
        assert errors == []
        assert article.content == "<p>电话 138****5678</p>"
        assert article.title == "卡号 ***************0128"
        assert article.summary == "138****5678"
    assert_no_raw_number_logged(caplog)


def test_photo_named_after_a_mobile_number_is_reported(make_site):
    """The published name is neutral, but the editor is told to rename it."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "#2f7d32").save(buffer, "JPEG")
    files = {
        "photos/trip/album.md": "标题：出游\n日期：2026-01-05\n\n- 13812345678.jpg：合影\n",
        "photos/trip/13812345678.jpg": buffer.getvalue(),
    }
    build = make_site(files, PII_POLICY="fail")
    assert build.returncode != 0
    assert "138****5678" in build.log
    assert "13812345678" not in build.log


@given(st.text(alphabet="0123456789０１２３４５６７８９ -－+＋\u3000Xx年月号：\n", max_size=60))
def test_the_quick_pre_check_never_hides_a_number(text):
    """Text the pre-check waves through holds nothing find_pii would find
    when it checks every pattern (the pre-check only saves time)."""
    from plugins.privacy import pii

    if not pii.may_hold_pii(text):
        plain = text.translate(pii._HALF_WIDTH)
        assert not any(pattern.search(plain) for _, pattern in pii._PATTERNS)
