/* Loaded by h5p-standalone (customJs) where the H5P runtime runs: sends Django's CSRF token
   with the runtime's own requests (resume state), posts scored xAPI statements to the
   platform's statements endpoint and makes the content follow the direction of its block. */
(function () {
  "use strict";
  var XAPI_ENDPOINT = "/api/xapi/statements";
  var POSTED_VERBS = ["answered", "completed", "passed", "failed", "scored"];

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var docs = [document];
    try { if (window.parent && window.parent !== window) docs.push(window.parent.document); } catch (e) {}
    for (var i = 0; i < docs.length; i++) {
      var input = docs[i].querySelector("input[name=csrfmiddlewaretoken]");
      if (input) return input.value;
    }
    return "";
  }

  // Direction and language: copy them from the block that holds the player.
  try {
    var holder = window.frameElement && window.frameElement.closest("[dir]");
    if (holder) {
      document.documentElement.setAttribute("dir", holder.getAttribute("dir"));
      document.documentElement.setAttribute("lang", holder.getAttribute("lang") || "");
    }
  } catch (e) { /* cross-origin: keep the defaults */ }

  if (!window.H5P || !window.H5P.jQuery) return;

  window.H5P.jQuery.ajaxSetup({
    beforeSend: function (xhr, settings) {
      if (!/^(GET|HEAD|OPTIONS)$/i.test(settings.type) && settings.url.charAt(0) === "/") {
        xhr.setRequestHeader("X-CSRFToken", csrfToken());
      }
    }
  });

  function post(statement) {
    return fetch(XAPI_ENDPOINT, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
        "X-Experience-API-Version": "1.0.3"
      },
      body: JSON.stringify(statement)
    }).then(function (response) {
      document.documentElement.setAttribute("data-xapi-last-status", String(response.status));
      return response;
    });
  }

  function uuid4() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (window.crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  window.H5P.externalDispatcher.on("xAPI", function (event) {
    var statement = event.data && event.data.statement;
    if (!statement || !statement.verb || !statement.verb.id) return;
    var verb = statement.verb.id.split("/").pop();
    if (POSTED_VERBS.indexOf(verb) === -1) return;
    statement = JSON.parse(JSON.stringify(statement));
    if (!statement.id) statement.id = uuid4();
    if (!statement.timestamp) statement.timestamp = new Date().toISOString();
    post(statement).catch(function () { /* offline: the lesson still works */ });
  });
})();
