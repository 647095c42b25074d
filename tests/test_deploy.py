"""deploy/: object storage (against moto's S3 server on loopback), rsync, and
the daily publish-if-changed, on the demo site built for production."""

import hashlib
import os
import shutil
import subprocess
import sys

import pytest

from deploy import changed, rsync, rules, s3
from tests.conftest import ROOT, copy_demo_content, require_tool, run_pelican

EDITED = "content/articles/property/2025-06-18-qinghe-jiayuan-elevators.md"


def published(tmp_path_factory, name, edit=False):
    base = tmp_path_factory.mktemp(name)
    content = copy_demo_content(base / "content")
    if edit:
        article = base / EDITED
        assert article.exists(), EDITED
        text = article.read_text(encoding="utf-8")
        article.write_text(text.rstrip("\n") + "\n\n两部电梯运行一周，居民反映良好。\n", encoding="utf-8")
    # The demo's own settings (a copied demo is no small test site), as in
    # the unedited build it is compared with (published_demo).
    # A new interpreter, as the day after's `make publish` is (fresh=True).
    build = run_pelican(content, base / "output", "publishconf.py", cache=base / "cache", fresh=True,
                        LINK_CHECK_ALLOW=[])
    assert build.returncode == 0, build.log
    return build.root


@pytest.fixture(scope="module")
def site(published_demo):
    return published_demo.root


@pytest.fixture(scope="module")
def edited_site(tmp_path_factory):
    return published(tmp_path_factory, "deploy-edited", edit=True)


def differing(before, after):
    """Files an object store must receive to turn ``before`` into ``after``."""
    old = {p for p in rules.site_files(before) if not p.endswith(rules.PRECOMPRESSED)}
    new = {p for p in rules.site_files(after) if not p.endswith(rules.PRECOMPRESSED)}
    changed_files = {p for p in new & old if (before / p).read_bytes() != (after / p).read_bytes()}
    return changed_files | (new - old), old - new


# --- object storage -------------------------------------------------------

@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    saved = dict(os.environ)
    # Credentials only from the environment, as an operator gives them.
    os.environ.update(
        AWS_ACCESS_KEY_ID="linli-test", AWS_SECRET_ACCESS_KEY="linli-test-secret",
        AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    os.environ.clear()
    os.environ.update(saved)


def config(endpoint, bucket, prefix="community/"):
    return {"S3_BUCKET": bucket, "S3_ENDPOINT": endpoint, "S3_REGION": "us-east-1",
            "S3_PREFIX": prefix, "S3_ADDRESSING_STYLE": "path"}


def bucket_contents(endpoint, bucket):
    client = s3.client(config(endpoint, bucket))
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            found[item["Key"]] = client.get_object(Bucket=bucket, Key=item["Key"])
    return found


def new_bucket(endpoint, name):
    s3.client(config(endpoint, name)).create_bucket(Bucket=name)
    return name


def test_deploy_uploads_the_site_then_only_what_an_edit_changed(s3_server, site, edited_site):
    bucket = new_bucket(s3_server, "qinghe")
    settings = config(s3_server, bucket)
    other = s3.client(settings)
    other.put_object(Bucket=bucket, Key="other-site/index.html", Body=b"kept")  # outside our prefix

    uploaded, deleted, unchanged = s3.deploy(settings, str(site), log=lambda line: None)
    expected = {p for p in rules.site_files(site) if not p.endswith(rules.PRECOMPRESSED)}
    assert (uploaded, deleted, unchanged) == (len(expected), 0, 0)
    objects = bucket_contents(s3_server, bucket)
    ours = {key[len("community/"):]: obj for key, obj in objects.items() if key.startswith("community/")}
    assert set(ours) == expected  # keys equal output/ (less the .gz/.br copies, see deploy/s3.py)
    for path, obj in ours.items():
        assert obj["Body"].read() == (site / path).read_bytes(), path
        assert obj["ContentType"] == rules.content_type(path), path
        assert obj["CacheControl"] == rules.cache_control(path), path
    assert ours["index.html"]["ContentType"] == "text/html; charset=utf-8"
    assert ours["index.html"]["CacheControl"] == "no-cache"
    stylesheet = next(p for p in ours if p.startswith("theme/css/") and p.endswith(".css"))
    assert ours[stylesheet]["ContentType"] == "text/css; charset=utf-8"
    assert ours[stylesheet]["CacheControl"] == "public, max-age=31536000, immutable"
    assert ours["notices/deadlines.ics"]["ContentType"] == "text/calendar; charset=utf-8"

    # The same build again: nothing to upload.
    assert s3.deploy(settings, str(site), log=lambda line: None) == (0, 0, len(expected))

    # One article edited: its page and what lists or indexes it, nothing else.
    lines = []
    uploaded, deleted, unchanged = s3.deploy(settings, str(edited_site), log=lines.append)
    should_upload, should_delete = differing(site, edited_site)
    assert {line[2:].removeprefix("community/") for line in lines if line[0] in "+~"} == should_upload
    assert {line[2:].removeprefix("community/") for line in lines if line[0] == "-"} == should_delete
    assert (uploaded, deleted) == (len(should_upload), len(should_delete))
    assert "2025/06/qinghe-jiayuan-elevators/index.html" in should_upload
    assert uploaded < len(expected) / 5
    print(f"second deploy after one edit: {uploaded} uploaded, {deleted} deleted, {unchanged} unchanged")
    objects = bucket_contents(s3_server, bucket)
    assert objects["other-site/index.html"]["Body"].read() == b"kept"
    ours = {key[len("community/"):]: obj for key, obj in objects.items() if key.startswith("community/")}
    assert set(ours) == {p for p in rules.site_files(edited_site) if not p.endswith(rules.PRECOMPRESSED)}
    for path, obj in ours.items():
        assert obj["Body"].read() == (edited_site / path).read_bytes(), path


def test_dry_run_lists_the_changes_and_changes_nothing(s3_server, site, edited_site, capsys):
    bucket = new_bucket(s3_server, "dry-run")
    settings = config(s3_server, bucket, prefix="")
    s3.deploy(settings, str(site), log=lambda line: None)
    before = {k: v["ETag"] for k, v in bucket_contents(s3_server, bucket).items()}
    status = s3.main(["--dry-run", "--output", str(edited_site), "--settings", "", "--bucket", bucket,
                      "--endpoint", s3_server, "--region", "us-east-1", "--addressing-style", "path"])
    assert status == 0
    out, err = capsys.readouterr()
    assert "~ 2025/06/qinghe-jiayuan-elevators/index.html" in out
    assert "would upload" in err and "dry run: nothing changed" in err
    assert {k: v["ETag"] for k, v in bucket_contents(s3_server, bucket).items()} == before


def test_uploads_assets_then_pages_and_deletes_last(s3_server, site, edited_site, monkeypatch):
    bucket = new_bucket(s3_server, "order")
    settings = config(s3_server, bucket, prefix="")
    s3.deploy(settings, str(site), log=lambda line: None)
    events = []
    real_upload, real_client = s3.upload, s3.client

    def recording_upload(client, bucket_name, key, path, md5):
        real_upload(client, bucket_name, key, path, md5)
        events.append(("put", key))

    class RecordingClient:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def delete_objects(self, **kwargs):
            events.append(("delete", len(kwargs["Delete"]["Objects"])))
            return self.inner.delete_objects(**kwargs)

    monkeypatch.setattr(s3, "upload", recording_upload)
    monkeypatch.setattr(s3, "client", lambda c: RecordingClient(real_client(c)))
    # A page that left the site (e.g. a withdrawn notice) must be deleted.
    real_client(settings).put_object(Bucket=bucket, Key="notices/withdrawn/index.html", Body=b"old")
    s3.deploy(settings, str(edited_site), log=lambda line: None)
    kinds = [("delete",) if e[0] == "delete" else (e[0], rules.is_entry(e[1])) for e in events]
    assert kinds == sorted(kinds, key=lambda k: {("put", False): 0, ("put", True): 1, ("delete",): 2}[k])
    assert ("delete",) in kinds and ("put", True) in kinds and ("put", False) in kinds
    assert "notices/withdrawn/index.html" not in bucket_contents(s3_server, bucket)


def test_settings_without_a_bucket_or_with_credentials_are_refused(tmp_path, monkeypatch, capsys):
    for name in s3.SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    conf = tmp_path / "conf.py"
    conf.write_text('S3_BUCKET = "qinghe"\nAWS_SECRET_ACCESS_KEY = "abc"\n', encoding="utf-8")
    assert s3.main(["--settings", str(conf), "--output", str(tmp_path)]) == 2
    assert "AWS_SECRET_ACCESS_KEY" in capsys.readouterr().err
    conf.write_text('S3_REGION = "oss-cn-hangzhou"\n', encoding="utf-8")
    assert s3.main(["--settings", str(conf), "--output", str(tmp_path)]) == 2
    assert "S3_BUCKET" in capsys.readouterr().err
    monkeypatch.setenv("S3_BUCKET", "from-env")
    conf.write_text('S3_BUCKET = "from-settings"\nS3_PREFIX = "/community/"\n', encoding="utf-8")
    parsed = s3.argparse.Namespace(bucket=None, endpoint=None, region=None, prefix=None, addressing_style=None)
    resolved = s3.read_config(parsed, str(conf))
    assert resolved["S3_BUCKET"] == "from-env" and resolved["S3_PREFIX"] == "community/"


def test_missing_credentials_give_one_clear_line(s3_server, site, monkeypatch, capsys):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    status = s3.main(["--output", str(site), "--settings", "", "--bucket", "x", "--endpoint", s3_server,
                      "--region", "us-east-1"])
    assert status == 1
    assert "AWS_ACCESS_KEY_ID" in capsys.readouterr().err


# --- rsync ----------------------------------------------------------------

def test_rsync_deploy_copies_the_site_and_touches_nothing_unchanged(site, edited_site, tmp_path):
    require_tool(shutil.which("rsync"), "rsync (apt-get install rsync)")
    target = tmp_path / "www" / "qinghe"
    assert rsync.main([str(target), "--output", str(site)]) == 0
    assert rules.site_files(target) == rules.site_files(site)
    for relative in rules.site_files(site):
        assert (target / relative).read_bytes() == (site / relative).read_bytes()
    (target / "withdrawn.html").write_text("old")
    times = {p: os.stat(target / p).st_mtime_ns for p in rules.site_files(target)}
    assert rsync.main([str(target), "--output", str(edited_site)]) == 0
    assert rules.site_files(target) == rules.site_files(edited_site)  # withdrawn.html deleted
    kept = [p for p in rules.site_files(target) if p in times]
    untouched = [p for p in kept if (site / p).read_bytes() == (edited_site / p).read_bytes()]
    assert untouched and all(os.stat(target / p).st_mtime_ns == times[p] for p in untouched)


def test_rsync_dry_run_changes_nothing(site, edited_site, tmp_path, capfd):
    require_tool(shutil.which("rsync"), "rsync (apt-get install rsync)")
    target = tmp_path / "site"
    rsync.main([str(target), "--output", str(site)])
    before = {p: (target / p).read_bytes() for p in rules.site_files(target)}
    capfd.readouterr()
    assert rsync.main([str(target), "--output", str(edited_site), "--dry-run"]) == 0
    out, _ = capfd.readouterr()
    assert "2025/06/qinghe-jiayuan-elevators/index.html" in out
    assert {p: (target / p).read_bytes() for p in rules.site_files(target)} == before


def test_rsync_sends_assets_before_pages_and_deletes_after():
    first, second = rsync.commands("output", "host:/var/www/qinghe")
    assert "--exclude=*.html" in first and "--delete-after" not in first
    assert "--delete-after" in second and "--delay-updates" in second
    assert "--checksum" in first and "--times" not in first and "--archive" not in first


@pytest.mark.parametrize("target,why", [
    ("", "DEPLOY_TARGET"),
    ("   ", "DEPLOY_TARGET"),
    ("/", "root folder"),
    ("//", "root folder"),
    (str(ROOT), "project folder"),
    (str(ROOT / "content"), "project folder"),
    (str(ROOT.parent), "project folder"),
    ("~", "home folder"),
    ("deploy@host:", "home folder"),
    ("deploy@host:/", "root folder"),
    ("host:/var/www", "system folder"),
])
def test_rsync_refuses_an_obviously_wrong_target(target, why, site, capsys):
    assert rsync.main([target, "--output", str(site)]) == 2
    err = capsys.readouterr().err
    assert "not deployed" in err and why in err


def test_rsync_refuses_an_unbuilt_site_and_explains_a_missing_rsync(tmp_path, site, monkeypatch, capsys):
    assert rsync.main([str(tmp_path / "www"), "--output", str(tmp_path / "nothing")]) == 2
    assert "make publish" in capsys.readouterr().err
    monkeypatch.setattr(rsync.shutil, "which", lambda name: None)
    assert rsync.main([str(tmp_path / "www"), "--output", str(site)]) == 2
    assert "apt-get install rsync" in capsys.readouterr().err
    assert not (tmp_path / "www").exists()


def test_make_deploy_refuses_before_building(tmp_path):
    result = subprocess.run(["make", "--no-print-directory", "deploy", "DEPLOY_TARGET=/", f"OUTPUT={tmp_path}/out"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert "root folder" in result.stderr
    assert not (tmp_path / "out").exists()  # no build was started


# --- the daily rebuild ----------------------------------------------------

def test_publish_if_changed_deploys_only_when_the_site_changed(site, edited_site, tmp_path, capsys):
    require_tool(shutil.which("rsync"), "rsync (apt-get install rsync)")
    state, target = tmp_path / "state", tmp_path / "www"
    assert changed.main(["rsync", str(target), "--output", str(site)], state=state) == 0
    assert rules.site_files(target) == rules.site_files(site)
    (target / "index.html").write_text("a hand edit the next quiet run must not undo")
    assert changed.main(["rsync", str(target), "--output", str(site)], state=state) == 0
    assert "nothing to do" in capsys.readouterr().err
    assert (target / "index.html").read_text().startswith("a hand edit")
    assert changed.main(["rsync", str(target), "--output", str(edited_site)], state=state) == 0
    assert (target / "index.html").read_bytes() == (edited_site / "index.html").read_bytes()


def test_site_digest_follows_content_not_the_sitemap_date(site, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    assert changed.site_digest(copy) == changed.site_digest(site)
    (copy / "sitemap.xml").write_text((copy / "sitemap.xml").read_text().replace("2026-11-20", "2026-11-21"))
    assert changed.site_digest(copy) == changed.site_digest(site)
    (copy / "about" / "index.html").write_bytes(b"changed")
    assert changed.site_digest(copy) != changed.site_digest(site)


def test_shipped_units_run_the_daily_job():
    service = (ROOT / "deploy" / "linli-rebuild.service").read_text(encoding="utf-8")
    timer = (ROOT / "deploy" / "linli-rebuild.timer").read_text(encoding="utf-8")
    assert "make publish-if-changed" in service and "Type=oneshot" in service
    assert "OnCalendar=" in timer and "Asia/Shanghai" in timer and "Persistent=true" in timer
    analyze = shutil.which("systemd-analyze")
    if analyze:
        for unit in ("linli-rebuild.service", "linli-rebuild.timer"):
            result = subprocess.run([analyze, "verify", str(ROOT / "deploy" / unit)], capture_output=True, text=True)
            assert "Unknown key" not in result.stderr and "Invalid" not in result.stderr, result.stderr
