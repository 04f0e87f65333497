// Spreadsheet analysis: polls the analysis's state and opens the next screen once the
// background step (inspection or build) is over. Without JavaScript: reload the page.
(function () {
  "use strict";
  var box = document.getElementById("analysis-status");
  if (!box || !window.XMLHttpRequest) return;
  var bar = document.getElementById("analysis-progress");
  var text = document.getElementById("analysis-text");
  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", box.getAttribute("data-url"));
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) return;
      var body = JSON.parse(request.responseText);
      bar.value = body.progression;
      text.textContent = body.libelleEtat + " : " + body.progression + " %";
      if (body.enCours) {
        window.setTimeout(poll, 1000);
      } else {
        window.location.assign(body.page);
      }
    };
    request.send();
  }
  poll();
})();
