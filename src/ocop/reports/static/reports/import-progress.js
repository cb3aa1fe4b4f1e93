/* The progress of a spreadsheet import, updated in place: polls the job's progress JSON (the URL
   is the section's data-progress-url) every second, moves the <progress> bar and the sentence,
   and reloads the page once the import has finished (it then shows what was created or every
   problem). Without this file the page refreshes itself every 2 seconds (<noscript> meta). */
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.getAttribute("data-progress-url");
  var bar = section.querySelector("progress");
  var percent = section.querySelector("[data-import-percent]");
  var message = section.querySelector("[data-import-message]");
  var failures = 0;

  function show(state) {
    if (bar) {
      bar.value = state.percent;
      bar.textContent = state.percent + "%";
    }
    if (percent) {
      percent.textContent = state.percent + "%";
    }
    if (message && state.message) {
      message.textContent = state.message;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        show(state);
        if (state.status === "done" || state.status === "failed") {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        failures += 1;
        if (failures >= 5) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 2000);
      });
  }

  window.setTimeout(poll, 1000);
})();
