// A background job's page (export, staff import) while the job waits or runs: every 3 s the
// page is fetched again and its [data-job-refresh] region replaced in place, until the job is
// finished. The region is a polite live region: the new state is announced, focus and
// scrolling stay where the reader left them (a <meta http-equiv="refresh"> reloaded the whole
// page under them: WCAG 2.2.1). Without JavaScript, the page's "Refresh" link does it by hand.
(function () {
  "use strict";
  var region = document.querySelector("[data-job-refresh]");
  if (!region) return;
  var delay = 3000;

  function tick() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser()
          .parseFromString(html, "text/html")
          .querySelector("[data-job-refresh]");
        if (!fresh) throw new Error("no job region");
        region.innerHTML = fresh.innerHTML;
        if (fresh.getAttribute("data-job-refresh") === "waiting") {
          window.setTimeout(tick, delay);
        } else {
          region.setAttribute("data-job-refresh", "finished");
        }
      })
      // The server did not answer (a lost connection, a restart): ask again later; the
      // "Refresh" link stays there for the reader meanwhile.
      .catch(function () {
        window.setTimeout(tick, delay * 2);
      });
  }

  if (region.getAttribute("data-job-refresh") === "waiting") window.setTimeout(tick, delay);
})();
