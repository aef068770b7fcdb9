/* Runs in the sandboxed player page (opaque origin: no cookies, no storage, no access to the
   lesson page). Starts h5p-standalone and talks to the lesson page only by postMessage:
   xAPI statements and resume state go up (the lesson page posts them with the learner's
   session), the page height too (the frame is sized by its parent). */
(function () {
  "use strict";
  var options = JSON.parse(document.getElementById("h5p-options").textContent);
  var bridge = JSON.parse(document.getElementById("h5p-bridge").textContent);
  var PARENT = bridge.parentOrigin;
  var FORWARDED_VERBS = ["answered", "completed", "passed", "failed", "scored"];
  var lastState = null;

  // An opaque origin has no Web Storage: H5P core and some content types use it (clipboard,
  // preferences). They get a per-page, in-memory store instead of an exception.
  function memoryStorage() {
    var data = {};
    return {
      getItem: function (k) { return Object.prototype.hasOwnProperty.call(data, k) ? data[k] : null; },
      setItem: function (k, v) { data[k] = String(v); },
      removeItem: function (k) { delete data[k]; },
      clear: function () { data = {}; },
      key: function (i) { return Object.keys(data)[i] || null; },
      get length() { return Object.keys(data).length; }
    };
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    var usable = true;
    try { usable = !!window[name]; } catch (e) { usable = false; }
    if (!usable) {
      try { Object.defineProperty(window, name, { configurable: true, value: memoryStorage() }); } catch (e) { /* keep */ }
    }
  });

  function send(type, payload) {
    if (!window.parent || window.parent === window) return;
    var message = { academieH5P: 1, type: type };
    for (var k in payload) if (Object.prototype.hasOwnProperty.call(payload, k)) message[k] = payload[k];
    window.parent.postMessage(message, PARENT);
  }

  function uuid4() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (window.crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function reportState() {
    var H5P = window.H5P;
    if (!H5P || !H5P.instances) return;
    var instance = H5P.instances[0];
    if (!instance || typeof instance.getCurrentState !== "function") return;
    var state;
    try { state = instance.getCurrentState(); } catch (e) { return; }
    if (state === undefined || state === null) return;
    var data = JSON.stringify(state);
    if (data === lastState) return;
    lastState = data;
    send("state", { data: data });
  }

  var height = 0;
  function reportHeight() {
    var h = Math.ceil(document.documentElement.scrollHeight);
    if (h !== height) { height = h; send("resize", { height: h }); }
  }

  function wire() {
    var H5P = window.H5P;
    document.documentElement.setAttribute("data-h5p-ready", "1");
    if (H5P && H5P.externalDispatcher) {
      H5P.externalDispatcher.on("xAPI", function (event) {
        var statement = event.data && event.data.statement;
        if (!statement || !statement.verb || !statement.verb.id) return;
        var verb = statement.verb.id.split("/").pop();
        if (FORWARDED_VERBS.indexOf(verb) !== -1) {
          statement = JSON.parse(JSON.stringify(statement));
          if (!statement.id) statement.id = uuid4();
          if (!statement.timestamp) statement.timestamp = new Date().toISOString();
          send("xapi", { statement: statement });
        }
        reportState();
      });
    }
    document.addEventListener("change", reportState, true);
    document.addEventListener("click", function () { setTimeout(reportState, 0); }, true);
    setInterval(reportState, 5000);
    window.addEventListener("pagehide", reportState);
    document.addEventListener("visibilitychange", reportState);
    if ("ResizeObserver" in window) new ResizeObserver(reportHeight).observe(document.body);
    setInterval(reportHeight, 1000);
    reportHeight();
    send("ready", {});
  }

  new window.H5PStandalone.H5P(document.getElementById("h5p-player"), options)
    .then(wire)
    .catch(function (err) {
      document.documentElement.setAttribute("data-h5p-error", "1");
      send("error", {});
      if (window.console) console.error("H5P player", err, err && err.stack);
    });
})();
