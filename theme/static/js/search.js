/* The search page: Pagefind's own index and API (self-hosted under
   /pagefind/), our markup. Works under any sub-path: URLs are resolved from
   this script's own address (/theme/js/search.js). */
(function () {
  var script = document.currentScript;
  var siteRoot = new URL("../../", script.src);
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var pagefind = null;

  function load() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", siteRoot).href).then(function (module) {
        module.options({ baseUrl: siteRoot.pathname });
        // A big site is indexed in parts (plugins/search): merge the others in.
        return fetch(new URL("pagefind/linli-parts.json", siteRoot).href).then(function (response) {
          return response.ok ? response.json() : { parts: [] };
        }).then(function (list) {
          return Promise.all(list.parts.map(function (part) {
            return module.mergeIndex(new URL(part, siteRoot).href, { baseUrl: siteRoot.pathname });
          }).concat(sites.map(function (site) { return mergeSite(module, site); })));
        }).then(function () { return module; });
      });
    }
    return pagefind;
  }

  // The 街道 portal: each community's own index (and its parts), its
  // results under the community's address and name.
  var sitesData = document.getElementById("search-sites");
  var sites = sitesData ? JSON.parse(sitesData.textContent).map(function (site) {
    var home = new URL(site.href, siteRoot);
    return { title: site.title, home: home.href, base: home.origin === location.origin ? home.pathname : home.href };
  }) : [];

  function mergeSite(module, site) {
    var bundle = new URL("pagefind/", site.home).href;
    return module.mergeIndex(bundle, { baseUrl: site.base }).then(function () {
      return fetch(new URL("linli-parts.json", bundle).href);
    }).then(function (response) {
      return response.ok ? response.json() : { parts: [] };
    }).then(function (list) {
      return Promise.all(list.parts.map(function (part) {
        return module.mergeIndex(new URL(part, site.home).href, { baseUrl: site.base });
      }));
    }).catch(function () { /* one community's index missing: search the others */ });
  }

  function communityOf(url) {
    var address = new URL(url, location.href).href;
    for (var i = 0; i < sites.length; i++) {
      if (address.indexOf(sites[i].home) === 0) return sites[i].title;
    }
    return "";
  }

  function item(result) {
    var li = document.createElement("li");
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    heading.appendChild(link);
    li.appendChild(heading);
    var facts = [communityOf(result.url), result.meta.column, result.meta.date].filter(Boolean).join(" · ");
    if (facts) {
      var meta = document.createElement("p");
      meta.className = "search-meta";
      meta.textContent = facts;
      li.appendChild(meta);
    }
    var excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerpt.innerHTML = result.excerpt; // Pagefind escapes the text and adds <mark> only
    li.appendChild(excerpt);
    return li;
  }

  function run(query) {
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    status.textContent = "正在搜索……";
    load().then(function (module) {
      return module.search(query);
    }).then(function (search) {
      return Promise.all(search.results.slice(0, 30).map(function (r) { return r.data(); }));
    }).then(function (results) {
      results.forEach(function (result) { list.appendChild(item(result)); });
      status.textContent = results.length ? "找到 " + results.length + " 条与“" + query + "”有关的内容" : "没有找到与“" + query + "”有关的内容，换个词试试";
    }).catch(function () {
      status.textContent = "搜索暂时不可用，请按栏目或归档浏览。";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value.trim();
    history.replaceState(null, "", "?q=" + encodeURIComponent(query));
    run(query);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; run(initial.trim()); }
})();
