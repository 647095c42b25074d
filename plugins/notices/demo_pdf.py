"""Write the demo notice's PDF attachment with the standard library only.

    .venv/bin/python -m plugins.notices.demo_pdf content/notices/files/选民登记须知.pdf

One A4 page of Chinese text in the PDF standard CJK font STSong-Light (not
embedded: every PDF reader supplies it), so the file stays a few KB. No dates
inside: running it twice gives the same bytes.
"""

import sys
from itertools import groupby

TITLE = "青禾社区第十二届居民委员会换届选举选民登记须知"
# (size, text); a negative size is set flush right, like a signature.
LINES = [
    (18, TITLE),
    (12, ""),
    (12, "一、登记时间：2026年11月16日至12月5日，每天 8:30-17:30。"),
    (12, "二、登记地点：社区党群服务中心一楼大厅（禾丰路 18 号）。"),
    (12, "三、登记对象：年满十八周岁、户籍在本社区或在本社区居住一年以上的居民。"),
    (12, "四、携带材料：本人居民身份证、户口簿或居住证原件。"),
    (12, "五、行动不便的居民，可由楼栋长预约上门登记。"),
    (12, "六、选民名单将于选举日前二十日在各小区公示栏张榜公布。"),
    (12, ""),
    (12, "咨询电话：0871-6555 0123"),
    (12, ""),
    (-12, "青禾社区居民选举委员会"),
    (-12, "2026年11月16日"),
]


def _hex(text):
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def _runs(text, size):
    """Latin in Helvetica, Chinese in STSong-Light: the reader advances the
    pen by each font's own widths, so the runs simply follow each other."""
    ops = []
    for latin, run in groupby(text, key=lambda ch: ch.isascii()):
        run = "".join(run)
        if latin:
            escaped = run.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"/F2 {size} Tf ({escaped}) Tj")
        else:
            ops.append(f"/F1 {size} Tf {_hex(run)} Tj")
    return " ".join(ops)


def build_pdf():
    y, parts = 770, ["BT"]
    for size, text in LINES:
        right, size = size < 0, abs(size)
        width = sum(size * (0.556 if ch.isascii() else 1) for ch in text)
        if text:
            x = 595 - 72 - width if right else 72 if size == 12 else (595 - width) / 2
            parts.append(f"1 0 0 1 {x:.0f} {y} Tm {_runs(text, size)}")
        y -= size * 2.2
    parts.append("ET")
    stream = "\n".join(parts).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 9 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
        b"/FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        b"<< /Title <FEFF" + _hex(TITLE)[1:].encode() + b" /Producer (Linli demo) >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 8 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


if __name__ == "__main__":
    with open(sys.argv[1], "wb") as handle:
        handle.write(build_pdf())
