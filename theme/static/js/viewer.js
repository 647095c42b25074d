/* Linli photo viewer: progressive enhancement of album grids.
   Without JavaScript (or without <dialog>) each thumbnail links to its large
   image. With it, a tap opens the large view in a modal <dialog>: caption,
   previous / next (buttons, arrow keys, swipe), Escape or 关闭 to close, and
   focus goes back to the thumbnail. No dependencies, no inline style. */
(function () {
  "use strict";
  var dialog = document.querySelector("dialog.viewer");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var links = Array.prototype.slice.call(document.querySelectorAll(".album-grid a.album-link"));
  if (!links.length) return;

  var stage = dialog.querySelector(".viewer-stage");
  var caption = dialog.querySelector(".viewer-caption");
  var count = dialog.querySelector(".viewer-count");
  var prev = dialog.querySelector(".viewer-prev");
  var next = dialog.querySelector(".viewer-next");
  var close = dialog.querySelector(".viewer-close");
  caption.id = caption.id || "viewer-caption";
  dialog.setAttribute("aria-describedby", caption.id);
  var current = -1;
  var opener = null;

  /* The thumbnail's own <picture>, asked for the screen's full width: the
     browser picks the format (WebP, AVIF …) and the size it needs. */
  function largePicture(link) {
    var picture = link.querySelector("picture");
    var copy = picture ? picture.cloneNode(true) : document.createElement("img");
    var parts = copy.querySelectorAll ? copy.querySelectorAll("source, img") : [];
    for (var i = 0; i < parts.length; i++) parts[i].setAttribute("sizes", "100vw");
    var img = copy.tagName === "IMG" ? copy : copy.querySelector("img");
    if (!picture) img.src = link.href;
    img.className = "viewer-image";
    img.draggable = false; /* a mouse drag is a swipe, not a file drag */
    img.setAttribute("loading", "eager");
    img.removeAttribute("fetchpriority");
    return copy;
  }

  function captionOf(link) {
    var figure = link.closest("figure");
    var text = figure && figure.querySelector(".album-caption");
    var img = link.querySelector("img");
    return text ? text.textContent.trim() : (img ? img.alt : "");
  }

  function show(index) {
    if (index < 0 || index >= links.length) return;
    current = index;
    while (stage.firstChild) stage.removeChild(stage.firstChild);
    stage.appendChild(largePicture(links[index]));
    caption.textContent = captionOf(links[index]);
    count.textContent = "第 " + (index + 1) + " 张，共 " + links.length + " 张";
    prev.disabled = index === 0;
    next.disabled = index === links.length - 1;
  }

  function open(index, link) {
    opener = link;
    show(index);
    if (!dialog.open) dialog.showModal();
    close.focus();
  }

  function step(delta) {
    var target = current + delta;
    if (target < 0 || target >= links.length) return;
    show(target);
    /* Keep focus on a button that still works at either end. */
    if (document.activeElement && document.activeElement.disabled) close.focus();
  }

  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      open(index, link);
    });
  });
  prev.addEventListener("click", function () { step(-1); });
  next.addEventListener("click", function () { step(1); });
  close.addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("keydown", function (event) {
    if (event.key === "ArrowLeft") { event.preventDefault(); step(-1); }
    else if (event.key === "ArrowRight") { event.preventDefault(); step(1); }
  });
  /* A tap on the dark backdrop (the dialog itself, not its content) closes. */
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener("close", function () {
    while (stage.firstChild) stage.removeChild(stage.firstChild);
    if (opener) opener.focus();
  });

  /* Swipe: a mostly horizontal move of 50 px or more. */
  var startX = null;
  var startY = null;
  stage.addEventListener("pointerdown", function (event) {
    startX = event.clientX;
    startY = event.clientY;
  });
  stage.addEventListener("pointerup", function (event) {
    if (startX === null) return;
    var dx = event.clientX - startX;
    var dy = event.clientY - startY;
    startX = null;
    if (Math.abs(dx) >= 50 && Math.abs(dx) > Math.abs(dy) * 1.5) step(dx < 0 ? 1 : -1);
  });
  stage.addEventListener("pointercancel", function () { startX = null; });
})();
