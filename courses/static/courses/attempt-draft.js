// Keeps the answers of an open attempt on the server as the learner answers (a draft),
// so that they survive a closed tab, a lost connection or signing out: the page is
// rendered with the saved answers ticked. Sent on every change, on typing (debounced)
// and when the page is hidden. Without JavaScript the "Save my answers" button does it.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form || !form.getAttribute("data-draft-url")) return;
  var url = form.getAttribute("data-draft-url");
  var status = document.querySelector("[data-draft-status]");
  var timer = null;
  var dirty = false;
  var submitting = false;

  function data() {
    var fields = new FormData(form);
    fields.delete("action");
    return fields;
  }

  function save() {
    window.clearTimeout(timer);
    if (!dirty || submitting) return;
    dirty = false;
    window.fetch(url, { method: "POST", body: data(), credentials: "same-origin",
                        headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (status) status.textContent = status.getAttribute(response.ok ? "data-saved" : "data-failed");
        if (!response.ok && response.status !== 409) dirty = true;
      })
      .catch(function () {
        dirty = true;
        if (status) status.textContent = status.getAttribute("data-failed");
      });
  }

  function changed(delay) {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  form.addEventListener("change", function () { changed(0); });
  form.addEventListener("input", function () { changed(1500); });
  form.addEventListener("submit", function () { submitting = true; window.clearTimeout(timer); });
  function flush() {
    if (!dirty || submitting) return;
    dirty = false;
    if (navigator.sendBeacon) navigator.sendBeacon(url, data()); else save();
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
})();
