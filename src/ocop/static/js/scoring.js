/* Council scoring form: an optional enhancement (the page works without it).
   - saves the draft by itself shortly after each change (the whole form is posted to the
     form's data-autosave-url, the same service as "Save draft") and says when it was saved;
   - asks for a confirmation before "Submit the sheet" (without JavaScript the server asks on
     a confirmation step instead).
   The live part totals come from self-assessment.js, which reads the same data attributes
   (data-part, data-points, data-live-part, data-live-total). The server checks everything. */
(function () {
  "use strict";
  var form = document.getElementById("sa-form");
  if (!form || !form.getAttribute("data-autosave-url")) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var status = form.querySelector("[data-autosave-status]");
  var lang = document.documentElement.lang || "vi";
  var timer = null;
  var busy = false;
  var again = false;
  var DELAY = 1500;

  function say(key, time) {
    if (!status) {
      return;
    }
    var text = status.getAttribute("data-text-" + key) || "";
    status.textContent = text.replace("{time}", time || "");
  }

  function format(value) {
    return Number(value).toLocaleString(lang, { maximumFractionDigits: 2 });
  }

  function showSaved(data) {
    Object.keys(data.parts || {}).forEach(function (code) {
      var cell = document.querySelector('[data-saved-part="' + code + '"]');
      if (cell) {
        var max = cell.textContent.split("/")[1];
        cell.textContent = format(data.parts[code]) + (max ? " /" + max : "");
      }
    });
    var total = document.querySelector("[data-saved-total]");
    if (total) {
      total.textContent = format(data.total) + " / 100";
    }
  }

  function save() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    say("saving");
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (result) {
        if (result.ok && result.data.saved) {
          say("saved", result.data.saved_at);
          showSaved(result.data);
        } else {
          var detail = result.data.error || (result.data.errors || []).map(function (e) {
            return e.message;
          }).join(" ");
          say("failed");
          if (status && detail) {
            status.textContent += " " + detail;
          }
        }
      })
      .catch(function () {
        say("failed");
      })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          schedule();
        }
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") {
      schedule();
    }
  });

  var submit = form.querySelector("button[data-confirm]");
  var confirmed = form.querySelector("input[name=confirmed]");
  if (submit && confirmed) {
    submit.addEventListener("click", function (event) {
      if (window.confirm(submit.getAttribute("data-confirm"))) {
        window.clearTimeout(timer);
        confirmed.value = "1";
      } else {
        event.preventDefault();
      }
    });
  }
})();
