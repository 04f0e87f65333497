// Live preview of a CV: the form's values are posted to the preview address as the holder
// types, and the CV's body (the very HTML of the signed PDF) replaces the preview. Without
// JavaScript, « Actualiser l'aperçu » does the same with a page load.
(function () {
  "use strict";
  var form = document.getElementById("cv-form");
  var preview = document.getElementById("cv-preview");
  if (!form || !preview || !window.fetch) { return; }
  var timer = null;
  var sequence = 0;
  function refresh() {
    var mine = ++sequence;
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      if (mine === sequence) { preview.innerHTML = html; }
    }).catch(function () { /* the button still works */ });
  }
  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
