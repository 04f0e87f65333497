// Deposit page: while the deposit is processed, poll its status endpoint, update the progress
// bar, and reload the page once processing is over (to show the accusé and the KO passages).
(function () {
  "use strict";
  var section = document.getElementById("deposit-status");
  if (!section || section.getAttribute("data-finished") === "1") return;
  var url = section.getAttribute("data-status-url");
  var bar = document.getElementById("processing-progress");
  var text = document.getElementById("processing-text");

  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) return;
      var body = JSON.parse(request.responseText);
      if (bar) bar.value = body.progression;
      if (text) {
        text.textContent = body.passages.traites + " passage(s) traité(s) sur " +
          (body.passages.total || "?");
      }
      if (body.statut === "recu" || body.statut === "en_cours") {
        window.setTimeout(poll, 1000);
      } else {
        window.location.reload();
      }
    };
    request.send();
  }
  window.setTimeout(poll, 1000);
})();
