/* Progressive enhancement only: the site reads fully without this file. */
(function () {
  var root = document.documentElement;

  function remember(key, value) {
    try {
      if (value) localStorage.setItem(key, value); else localStorage.removeItem(key);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }

  // 长辈版: text size and high contrast, remembered across pages.
  var tools = document.querySelector(".access-tools");
  if (tools) {
    var sizeButtons = tools.querySelectorAll("[data-text]");
    var contrast = tools.querySelector("[data-contrast-toggle]");
    var showState = function () {
      var current = root.getAttribute("data-text") || "";
      sizeButtons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-text") === current));
      });
      contrast.setAttribute("aria-pressed", String(root.getAttribute("data-contrast") === "high"));
    };
    sizeButtons.forEach(function (button) {
      button.addEventListener("click", function () {
        var size = button.getAttribute("data-text");
        if (size) root.setAttribute("data-text", size); else root.removeAttribute("data-text");
        remember("linli-text", size);
        showState();
      });
    });
    contrast.addEventListener("click", function () {
      var high = root.getAttribute("data-contrast") !== "high";
      if (high) root.setAttribute("data-contrast", "high"); else root.removeAttribute("data-contrast");
      remember("linli-contrast", high ? "high" : "");
      showState();
    });
    showState();
    tools.hidden = false;
  }

  // 朗读: read the title and body aloud with the browser's own voice.
  var reader = document.querySelector(".read-aloud");
  var synth = window.speechSynthesis;
  if (reader && synth && window.SpeechSynthesisUtterance) {
    var button = reader.querySelector("button");
    var setReading = function (reading) {
      button.setAttribute("aria-pressed", String(reading));
      button.textContent = button.getAttribute(reading ? "data-label-stop" : "data-label-start");
    };
    var textToRead = function () {
      var parts = [];
      var title = document.querySelector("main h1");
      var body = document.querySelector("main .article-body, main .notice-body");
      if (title) parts.push(title.textContent);
      if (body) parts.push(body.textContent);
      return parts.join("。\n").replace(/\s+/g, " ").trim();
    };
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") {
        synth.cancel();
        setReading(false);
        return;
      }
      // Short utterances: some engines stop reading long ones part-way.
      var sentences = textToRead().match(/[^。！？!?；;]+[。！？!?；;]?/g) || [];
      var voice = (synth.getVoices() || []).filter(function (v) { return /^zh(-|_)?(CN|Hans)?/i.test(v.lang); })[0];
      synth.cancel();
      sentences.forEach(function (sentence, index) {
        var utterance = new SpeechSynthesisUtterance(sentence);
        utterance.lang = "zh-CN";
        if (voice) utterance.voice = voice;
        if (index === sentences.length - 1) utterance.onend = function () { setReading(false); };
        utterance.onerror = function () { setReading(false); };
        synth.speak(utterance);
      });
      setReading(sentences.length > 0);
    });
    reader.hidden = false;
  }
})();
