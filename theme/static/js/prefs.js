/* Apply the resident's text size and contrast before the first paint, so a
   large-text page never flashes at the small size. Loaded in <head>. */
(function () {
  var root = document.documentElement;
  root.className += " js";
  // site.js shows the 朗读 button only where the browser can speak; say so now.
  if (window.speechSynthesis && window.SpeechSynthesisUtterance) root.className += " speech";
  try {
    var size = localStorage.getItem("linli-text");
    if (size === "large" || size === "xlarge") root.setAttribute("data-text", size);
    if (localStorage.getItem("linli-contrast") === "high") root.setAttribute("data-contrast", "high");
  } catch (e) { /* storage blocked: standard size */ }
})();
