/* "Share my approximate area" on the trace page: shown only when the browser has the standard
   Geolocation API; the position is rounded to 0.1° here and again by the server (about 10 km).
   The page works without this file. */
(function () {
  "use strict";
  var form = document.querySelector("form.t-place");
  if (!form || !("geolocation" in navigator)) {
    return;
  }
  form.hidden = false;
  form.addEventListener("submit", function (event) {
    if (form.elements.lat.value) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(1);
        form.elements.lon.value = position.coords.longitude.toFixed(1);
        form.submit();
      },
      function () {
        button.disabled = false;
        form.hidden = true;
      },
      { enableHighAccuracy: false, maximumAge: 600000, timeout: 15000 }
    );
  });
})();
