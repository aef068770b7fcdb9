/* Lesson page side of the H5P player. Each activity starts as a real button (reachable with
   Tab); the player loads when the button is activated or when the block scrolls into view.
   The player runs in a sandboxed iframe (opaque origin): it cannot read this page, its
   cookies or its session. It talks to this page only by postMessage; this page checks who
   sent each message and its shape, then posts xAPI statements and resume state with the
   learner's session and CSRF token. Resume state is also saved when the page is hidden or
   left (pagehide / visibilitychange, keepalive requests), not only every saveFreq seconds. */
(function () {
  "use strict";
  if (window.AcademieH5PLazy) return;
  window.AcademieH5PLazy = true;

  var players = [];
  var MAX_STATEMENT_CHARS = 64 * 1024;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function start(el, focus) {
    if (el.dataset.h5pStarted) return;
    el.dataset.h5pStarted = "1";
    var bridge = JSON.parse(document.getElementById(el.dataset.h5pBridge).textContent);
    var iframe = document.createElement("iframe");
    iframe.setAttribute("sandbox", "allow-scripts allow-forms allow-popups allow-downloads");
    iframe.setAttribute("title", el.dataset.h5pTitle);
    iframe.setAttribute("referrerpolicy", "no-referrer");
    iframe.className = "h5p-activity__frame";
    iframe.style.width = "100%";
    iframe.style.border = "0";
    iframe.style.minHeight = "12rem";
    iframe.src = el.dataset.h5pSrc;
    var player = { el: el, iframe: iframe, bridge: bridge, pending: null, timer: null };
    players.push(player);
    var button = el.querySelector("[data-h5p-start]");
    var hadFocus = focus || (button && document.activeElement === button);
    el.textContent = "";
    el.appendChild(iframe);
    if (hadFocus) iframe.focus();
  }

  function playerFor(source) {
    for (var i = 0; i < players.length; i++) {
      if (players[i].iframe.contentWindow === source) return players[i];
    }
    return null;
  }

  function postStatement(player, statement) {
    return fetch(player.bridge.xapiEndpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
        "X-Experience-API-Version": "1.0.3"
      },
      body: JSON.stringify(statement)
    }).then(function (response) {
      player.el.setAttribute("data-xapi-last-status", String(response.status));
      return response;
    });
  }

  function saveState(player, keepalive) {
    if (player.pending === null) return;
    var data = player.pending;
    player.pending = null;
    if (player.timer) { clearTimeout(player.timer); player.timer = null; }
    fetch(player.bridge.userDataUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: {
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
        "X-CSRFToken": csrfToken()
      },
      body: "data=" + encodeURIComponent(data)
    }).then(function (response) {
      player.el.setAttribute("data-h5p-state-status", String(response.status));
    }).catch(function () { /* offline: kept for the next save */ if (player.pending === null) player.pending = data; });
  }

  function flushAll() {
    players.forEach(function (p) { saveState(p, true); });
  }

  function sameActivity(player, statement) {
    var object = statement && statement.object;
    if (!object || typeof object.id !== "string") return false;
    var base = player.bridge.xapiObject;
    return object.id === base || object.id.indexOf(base + "?") === 0;
  }

  window.addEventListener("message", function (event) {
    var player = playerFor(event.source);
    if (!player) return;
    // A sandboxed frame has an opaque origin ("null"); anything else is not our player.
    if (event.origin !== "null" && event.origin !== window.location.origin) return;
    var msg = event.data;
    if (!msg || typeof msg !== "object" || msg.academieH5P !== 1 || typeof msg.type !== "string") return;
    if (msg.type === "resize") {
      var h = Number(msg.height);
      if (isFinite(h) && h > 0 && h < 20000) player.iframe.style.height = Math.ceil(h) + "px";
    } else if (msg.type === "ready") {
      player.el.setAttribute("data-h5p-ready", "1");
    } else if (msg.type === "error") {
      player.el.setAttribute("data-h5p-error", "1");
    } else if (msg.type === "xapi") {
      if (!player.bridge.record) return;
      var statement = msg.statement;
      if (!statement || typeof statement !== "object" || Array.isArray(statement)) return;
      if (!sameActivity(player, statement)) return;
      if (JSON.stringify(statement).length > MAX_STATEMENT_CHARS) return;
      postStatement(player, statement).catch(function () { /* offline */ });
    } else if (msg.type === "state") {
      if (!player.bridge.record || typeof msg.data !== "string") return;
      if (msg.data.length > player.bridge.maxStateBytes) return;
      player.pending = msg.data;
      if (!player.timer) {
        player.timer = setTimeout(function () { player.timer = null; saveState(player, false); },
          Math.max(1, player.bridge.saveFreq) * 1000);
      }
    }
  });

  // The learner closes the tab, follows a link or switches away: keep the answers.
  window.addEventListener("pagehide", flushAll);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flushAll();
  });

  function init() {
    var holders = document.querySelectorAll("[data-h5p-player]");
    holders.forEach(function (el) {
      var button = el.querySelector("[data-h5p-start]");
      if (button) button.addEventListener("click", function () { start(el, true); });
    });
    if (!("IntersectionObserver" in window)) return;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          start(entry.target, false);
        }
      });
    }, { rootMargin: "200px 0px" });
    holders.forEach(function (el) { observer.observe(el); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
