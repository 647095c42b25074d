"""Every built page is valid HTML5 and the stylesheet valid CSS, by the Nu
HTML Checker (vnu-jar, pinned in package-lock.json) — the validator the
W3C runs."""

import json
import shutil
import subprocess

from tests.conftest import ROOT, require_tool

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def run_vnu(*arguments):
    require_tool(VNU.exists() and shutil.which("java"), "the Nu HTML Checker (java + npm ci)")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", *arguments], capture_output=True, text=True, timeout=300
    )
    return json.loads(result.stderr)["messages"]


def test_every_page_is_valid_html(demo_site):
    messages = run_vnu("--skip-non-html", str(demo_site.root))
    problems = [f"{m.get('url', '').split('/output/')[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert len([p for p in demo_site.files() if p.suffix == ".html"]) > 80
    assert problems == []


def test_stylesheet_is_valid_css(demo_site):
    messages = run_vnu("--css", str(demo_site.path("theme/css/site.css")))
    assert [m["message"] for m in messages if m["type"] == "error"] == []
