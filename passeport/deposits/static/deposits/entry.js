// Online entry of a passage: each field is checked as it is typed, from the dictionary's facets
// carried by data-* attributes (length, date, whole number, INSEE or postal code). The message
// appears under the field (DSFR error style, linked for screen readers). The server-side flux
// builder still checks everything when the form is sent.
(function () {
  "use strict";
  var DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$|^(\d{4})-(\d{2})-(\d{2})$/;

  function problem(input) {
    var value = input.value.trim();
    if (!value) return "";
    var d = input.dataset;
    if (d.length && value.length !== Number(d.length)) {
      return "Exactement " + d.length + " caractères attendus (ici " + value.length + ").";
    }
    if (d.maxLength && value.length > Number(d.maxLength)) {
      return "Au plus " + d.maxLength + " caractères (ici " + value.length + ").";
    }
    if (d.check === "date" && !DATE.test(value)) {
      return "Date attendue au format jj/mm/aaaa (par exemple 15/01/2026).";
    }
    if (d.check === "int") {
      if (!/^\d+$/.test(value)) return "Nombre entier attendu, en chiffres.";
      var number = Number(value);
      if ((d.min && number < Number(d.min)) || (d.max && number > Number(d.max))) {
        return "Nombre attendu entre " + d.min + " et " + d.max + ".";
      }
    }
    if (d.check === "insee" && !/^(\d{5}|2[AaBb]\d{3})$/.test(value)) {
      return "Code INSEE de 5 caractères attendu (2A ou 2B pour la Corse, 99… pour l'étranger).";
    }
    if (d.check === "postal" && !/^\d{5}$/.test(value)) {
      return "Code postal de 5 chiffres attendu.";
    }
    return "";
  }

  function show(input, message) {
    var group = input.closest(".fr-input-group");
    var id = input.id + "-live-error";
    var note = document.getElementById(id);
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "fr-error-text";
      note.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = message;
    note.hidden = !message;
    if (group) group.classList.toggle("fr-input-group--error", Boolean(message));
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    var present = described.indexOf(id) !== -1;
    if (message && !present) described.push(id);
    if (!message && present) described.splice(described.indexOf(id), 1);
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    else input.removeAttribute("aria-describedby");
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  var inputs = document.querySelectorAll("input[data-check]");
  for (var i = 0; i < inputs.length; i += 1) {
    (function (input) {
      var check = function () { show(input, problem(input)); };
      input.addEventListener("input", check);
      input.addEventListener("blur", check);
    })(inputs[i]);
  }
})();
