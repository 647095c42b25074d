/* Lobby screen (/notices/screen/): one notice at a time, in turn, with a
   clock. Without JavaScript the page lists every notice. */
(function () {
  "use strict";
  var main = document.querySelector("[data-screen]");
  if (!main) return;
  var slides = main.querySelectorAll(".screen-slide");
  var pause = document.querySelector("[data-pause]");
  var clock = document.querySelector("[data-clock]");
  var seconds = Math.max(5, parseInt(main.getAttribute("data-seconds"), 10) || 15);
  var started = Date.now();
  var current = 0;
  var timer = null;
  var weekdays = "日一二三四五六";

  function tick() {
    var d = new Date();
    var mm = ("0" + d.getMinutes()).slice(-2);
    clock.textContent = d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日 星期" +
      weekdays.charAt(d.getDay()) + " " + d.getHours() + ":" + mm;
  }
  if (clock) { tick(); setInterval(tick, 20000); }
  if (slides.length < 2) return;

  function show(index) {
    current = (index + slides.length) % slides.length;
    for (var i = 0; i < slides.length; i++) slides[i].hidden = i !== current;
  }
  function next() {
    // After a full round, reload at most hourly so a rebuilt site shows up.
    if (current === slides.length - 1 && Date.now() - started > 3600000 && navigator.onLine !== false) {
      location.reload();
      return;
    }
    show(current + 1);
  }
  function play() {
    timer = setInterval(next, seconds * 1000);
    pause.textContent = "暂停轮播";
    pause.setAttribute("aria-pressed", "false");
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    pause.textContent = "继续轮播";
    pause.setAttribute("aria-pressed", "true");
  }
  function toggle() { if (timer) stop(); else play(); }

  document.documentElement.className += " screen-js";
  pause.hidden = false;
  pause.addEventListener("click", toggle);
  document.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight") show(current + 1);
    else if (event.key === "ArrowLeft") show(current - 1);
    else if (event.key === " " && event.target === document.body) { event.preventDefault(); toggle(); }
  });
  show(0);
  play();
})();
