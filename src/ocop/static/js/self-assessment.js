/* Self-assessment form: an optional enhancement (the page works without it).
   - shows or hides the conditional criterion (5.2) when the product-story box changes;
   - shows the part totals of the options chosen now, before they are saved;
   - drops the "not answered yet" mark of a criterion as soon as it is answered.
   The server recomputes everything on "Save draft"; nothing here is trusted. */
(function () {
  "use strict";
  var form = document.getElementById("sa-form");
  if (!form) {
    return;
  }
  var story = form.querySelector("input[name=has_story]");
  var live = document.querySelector(".sa-live");
  var lang = document.documentElement.lang || "vi";

  function format(value) {
    return value.toLocaleString(lang, { maximumFractionDigits: 2 });
  }

  function update() {
    var totals = {};
    var total = 0;
    form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
      var box = input.closest("[data-part]");
      if (!box || box.hidden) {
        return;
      }
      var part = box.getAttribute("data-part");
      var points = parseFloat(input.getAttribute("data-points") || "0") || 0;
      totals[part] = (totals[part] || 0) + points;
      total += points;
    });
    document.querySelectorAll("[data-live-part]").forEach(function (cell) {
      cell.textContent = format(totals[cell.getAttribute("data-live-part")] || 0);
    });
    document.querySelectorAll("[data-live-total]").forEach(function (cell) {
      cell.textContent = format(total);
    });
    if (live) {
      live.hidden = false;
    }
  }

  function toggleStory() {
    var asked = !story || story.checked;
    form.querySelectorAll("[data-conditional]").forEach(function (box) {
      box.hidden = !asked;
    });
  }

  // A criterion just answered no longer says "not answered yet" (the server says it again
  // only for what the saved sheet leaves unanswered).
  function markAnswered(input) {
    if (input.type !== "radio") {
      return;
    }
    var box = input.closest(".sa-criterion");
    var badge = box && box.querySelector("[data-unanswered]");
    if (badge) {
      badge.hidden = true;
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target === story) {
      toggleStory();
    }
    markAnswered(event.target);
    update();
  });
})();
