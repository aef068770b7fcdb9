/* Lesson visit and time spent: one POST on load, then a heartbeat every 30 s while the tab is
   visible and the learner was active in the last 2 minutes. The server bounds every
   increment again, so an idle or forgotten tab never accumulates hours. */
(function () {
  "use strict";
  var el = document.querySelector("[data-lesson-tracker]");
  if (!el || !window.fetch) return;
  var PERIOD = 30000, IDLE = 120000;
  var lastInput = Date.now(), lastBeat = Date.now();

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function send(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(body || {})
    }).catch(function () { /* offline: try again at the next beat */ });
  }
  function beat() {
    var now = Date.now(), seconds = Math.round((now - lastBeat) / 1000);
    lastBeat = now;
    if (seconds > 0) send(el.getAttribute("data-heartbeat-url"), {seconds: Math.min(seconds, 60)});
  }
  ["pointerdown", "keydown", "scroll", "touchstart", "mousemove"].forEach(function (name) {
    window.addEventListener(name, function () { lastInput = Date.now(); }, {passive: true});
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (Date.now() - lastInput < IDLE) beat();
    } else {
      lastBeat = lastInput = Date.now();
    }
  });
  setInterval(function () {
    if (document.visibilityState !== "visible" || Date.now() - lastInput > IDLE) {
      lastBeat = Date.now();
      return;
    }
    beat();
  }, PERIOD);
  send(el.getAttribute("data-visit-url"));
})();
