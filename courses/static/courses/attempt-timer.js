// Countdown of a timed final assessment. The server gives the seconds left (no trust in
// the device's clock); the page counts down from its own load, warns once a minute
// before the end, and sends the answers when the time is up (the server allows a short
// grace for the network). Without JavaScript the page still states the end time.
(function () {
  "use strict";
  var clock = document.querySelector("[data-timer-seconds]");
  var form = document.getElementById("attempt-form");
  if (!clock || !form) return;
  var alertBox = document.querySelector("[data-timer-alert]");
  var total = parseInt(clock.getAttribute("data-timer-seconds"), 10) || 0;
  var start = Date.now();
  var warned = false;
  var sent = false;

  function format(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function announce(key) {
    if (alertBox) alertBox.textContent = alertBox.getAttribute(key);
  }

  function tick() {
    var left = Math.max(0, total - Math.floor((Date.now() - start) / 1000));
    clock.textContent = format(left);
    if (left <= 60 && !warned) {
      warned = true;
      clock.closest(".timer-clock").classList.add("timer-ending");
      announce("data-one-minute");
    }
    if (left === 0 && !sent) {
      sent = true;
      announce("data-time-up");
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
      return;
    }
    window.setTimeout(tick, 250);
  }

  form.addEventListener("submit", function () { sent = true; });
  clock.closest(".timer-clock").hidden = false;
  tick();
})();
