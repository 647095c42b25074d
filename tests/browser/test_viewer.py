"""The album photo viewer, driven by keyboard as a screen-reader or keyboard
user would: open, move, close, and focus comes back to the thumbnail."""


def open_album(page, site_url):
    page.goto(site_url + "/albums/")
    page.locator(".album-list a").first.click()
    page.wait_for_selector(".album-link")


def test_viewer_opens_moves_and_closes_by_keyboard(page, site_url):
    open_album(page, site_url)
    thumbnails = page.locator(".album-link")
    assert thumbnails.count() >= 6
    thumbnails.first.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.viewer")
    assert dialog.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.classList.contains('viewer-close')")
    first_caption = page.locator(".viewer-caption").inner_text()
    assert "第 1 张" in page.locator(".viewer-count").inner_text()
    page.keyboard.press("ArrowRight")
    assert "第 2 张" in page.locator(".viewer-count").inner_text()
    assert page.locator(".viewer-caption").inner_text() != first_caption
    page.keyboard.press("ArrowLeft")
    assert "第 1 张" in page.locator(".viewer-count").inner_text()
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")
    assert page.evaluate("document.activeElement === document.querySelector('.album-link')")


def test_without_javascript_thumbnails_link_to_large_images(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    open_album(page, site_url)
    link = page.locator(".album-link").first
    target = link.evaluate("a => a.href")
    image = page.request.get(target)
    assert image.ok and image.headers["content-type"].startswith("image/")
    context.close()
