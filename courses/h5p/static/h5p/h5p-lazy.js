/* Starts each H5P player on the page when it scrolls into view (loads the player once). */
(function () {
  "use strict";
  if (window.AcademieH5PLazy) return;
  window.AcademieH5PLazy = true;

  var loading = null;
  function loadPlayer(src) {
    if (window.H5PStandalone) return Promise.resolve();
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.async = true;
        s.onload = resolve;
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return loading;
  }

  function start(el) {
    if (el.dataset.h5pStarted) return;
    el.dataset.h5pStarted = "1";
    var optionsEl = document.getElementById(el.dataset.h5pOptions);
    var options = JSON.parse(optionsEl.textContent);
    loadPlayer(el.dataset.h5pScript).then(function () {
      el.textContent = "";
      return new window.H5PStandalone.H5P(el, options);
    }).then(function () {
      el.dataset.h5pReady = "1";
    }).catch(function (err) {
      el.dataset.h5pError = "1";
      if (window.console) console.error("H5P player", err);
    });
  }

  function init() {
    var players = document.querySelectorAll("[data-h5p-player]");
    if (!("IntersectionObserver" in window)) {
      players.forEach(start);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          start(entry.target);
        }
      });
    }, { rootMargin: "200px 0px" });
    players.forEach(function (el) { observer.observe(el); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
