/*
 * Import page: follow a queued or running import without reloading the page.
 *
 * Progressive enhancement: the page works without this file (it shows the figures as they
 * were when it was loaded, and a Refresh link). With it, the page asks the JSON API for the
 * import every 2 seconds and updates the progress bar, the counts and the status region
 * (aria-live="polite"), which is re-announced only when the status changes or the progress
 * passes another tenth, so a screen reader is not interrupted every 2 seconds.
 */
(function () {
  "use strict";

  var EVERY_MS = 2000;
  var MAX_FAILURES = 5;
  var panel = document.getElementById("import-progress-panel");
  if (!panel || panel.getAttribute("data-active") !== "true" || !window.fetch) {
    return;
  }
  var url = panel.getAttribute("data-poll-url");
  var lang = document.documentElement.lang || "en";
  var bar = document.getElementById("import-progress");
  var statusText = panel.querySelector("[data-status]");
  var percentText = panel.querySelector("[data-percent]");
  var refresh = panel.querySelector("[data-refresh]");
  var numbers = new Intl.NumberFormat(lang);
  var percents = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  var failures = 0;
  // What the page shows as loaded: the first answer is announced only if it differs.
  var lastStatus = panel.getAttribute("data-status");
  var lastTenth = bar ? Math.floor(Number(bar.value) / 10) : null;

  function finished(status) {
    return status !== "queued" && status !== "running";
  }

  function show(data) {
    var share = finished(data.status) && data.status !== "failed" ? 1 : (data.progress || 0);
    var whole = Math.round(share * 100);
    if (bar) {
      bar.value = whole;
      bar.textContent = percents.format(share);
    }
    document.querySelectorAll("[data-count]").forEach(function (el) {
      var value = data[el.getAttribute("data-count")];
      if (typeof value === "number") {
        el.textContent = numbers.format(value);
      }
    });
    var tenth = Math.floor(whole / 10);
    if (data.status !== lastStatus || tenth !== lastTenth) {
      // Only now touch the live region: each change is read out.
      statusText.textContent = panel.getAttribute("data-label-" + data.status) || data.status;
      percentText.textContent = percents.format(share);
      lastStatus = data.status;
      lastTenth = tenth;
    }
    if (finished(data.status) && refresh) {
      refresh.textContent = refresh.getAttribute("data-done-text");
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (!finished(data.status)) {
          window.setTimeout(poll, EVERY_MS);
        }
      })
      .catch(function () {
        // The Refresh link still works; stop asking after a few failures in a row.
        failures += 1;
        if (failures < MAX_FAILURES) {
          window.setTimeout(poll, EVERY_MS);
        }
      });
  }

  window.setTimeout(poll, EVERY_MS);
})();
