/* Live preview (make devserver only; never in output/): reload this page when
   a new build is ready, show build errors over the page. Served by the
   preview server beside the site, so the site's strict CSP still holds. */
(function () {
  var script = document.currentScript;
  // The build every page reloads after, and a digest of this page's text as
  // served: a page reloads when either moves on (a fast page, then the build
  // that follows it with the same text, reloads it once).
  var shown = Number(script.getAttribute("data-build"));
  var served = script.getAttribute("data-page");
  var version = null;
  var base = script.src.replace(/reload\.js.*$/, "");
  var overlay = null;
  var badge = null;

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = base + "reload.css";
  document.head.appendChild(css);

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function setBadge(text) {
    if (!text) {
      if (badge) { badge.remove(); badge = null; }
      return;
    }
    if (!badge) {
      badge = element("div", "linli-preview-badge");
      badge.setAttribute("role", "status");
      document.body.appendChild(badge);
    }
    badge.textContent = text;
  }

  function showErrors(errors) {
    var key = JSON.stringify(errors);
    if (overlay && overlay.getAttribute("data-key") === key) return;
    if (overlay) overlay.remove();
    overlay = element("section", "linli-preview-errors");
    overlay.setAttribute("data-key", key);
    overlay.setAttribute("role", "alert");
    overlay.setAttribute("aria-labelledby", "linli-preview-errors-title");
    var title = element("h2", "", "构建出错，预览仍是上一次成功构建的版本");
    title.id = "linli-preview-errors-title";
    overlay.appendChild(title);
    overlay.appendChild(element("p", "", "请按下面的提示修改文件并保存，本页会自动刷新。（网站没有发布任何改动。）"));
    var list = element("ol");
    errors.forEach(function (error) {
      var item = element("li");
      if (error.file) {
        item.appendChild(element("code", "linli-preview-where", error.file + (error.line ? "，第 " + error.line + " 行" : "")));
      }
      item.appendChild(element("pre", "", error.message));
      list.appendChild(item);
    });
    overlay.appendChild(list);
    var close = element("button", "", "暂时关闭");
    close.type = "button";
    close.addEventListener("click", function () { overlay.hidden = true; });
    overlay.appendChild(close);
    document.body.appendChild(overlay);
  }

  function hideErrors() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  var failures = 0;
  var waiting = false;
  var timer = null;
  // The page in view holds a status request open until something changes
  // (it reloads at once); pages in the background ask once a second, so
  // many open tabs never use up the browser's six connections to the server.
  function poll() {
    if (waiting) return;
    window.clearTimeout(timer);
    waiting = true;
    var visible = document.visibilityState !== "hidden";
    var url = base + "status?page=" + encodeURIComponent(window.location.pathname);
    if (visible && version !== null) url += "&since=" + version;
    fetch(url, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        waiting = false;
        failures = 0;
        if (status.reload > shown || (status.page && status.page !== served)) {
          window.location.reload();
          return;
        }
        version = status.version;
        script.setAttribute("data-seen", version);  // the status this page has acted on
        if (status.state === "failed") showErrors(status.errors); else hideErrors();
        setBadge(status.state === "building" ? "正在更新预览…" : "");
        timer = window.setTimeout(poll, visible ? 0 : 1000);
      })
      .catch(function () {
        waiting = false;
        failures += 1;
        version = null;
        setBadge("预览服务已断开，正在重新连接…");
        timer = window.setTimeout(poll, Math.min(250 * failures, 2000));
      });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden") poll();
  });
  poll();
})();
