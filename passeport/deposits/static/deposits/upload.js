// Portal upload: each chosen (or dropped) file is sent on its own XHR so that its upload
// progress can be shown, then the deposit's status endpoint is polled until processing ends.
// Without JavaScript the form posts normally (same endpoint).
(function () {
  "use strict";
  var form = document.getElementById("deposit-form");
  var input = document.getElementById("id_fichier");
  var zone = document.getElementById("dropzone");
  var area = document.getElementById("deposit-progress");
  if (!form || !input || !area || !window.XMLHttpRequest || !window.FormData) return;

  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var dropped = null;
  var single = false;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function row(file) {
    var box = element("div", "fr-mb-2w pp-upload");
    var id = "progress-" + Math.random().toString(36).slice(2);
    var label = element("label", "fr-label", file.name);
    label.setAttribute("for", id);
    var bar = element("progress");
    bar.id = id;
    bar.max = 100;
    bar.value = 0;
    var text = element("p", "fr-text--sm fr-mb-0", "Envoi : 0 %");
    text.setAttribute("aria-live", "polite");
    box.appendChild(label);
    box.appendChild(bar);
    box.appendChild(text);
    area.appendChild(box);
    return { box: box, bar: bar, text: text };
  }

  function poll(view, url, link) {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) return;
      var body = JSON.parse(request.responseText);
      var total = body.passages.total || 0;
      view.bar.value = body.progression;
      if (body.statut === "recu" || body.statut === "en_cours") {
        view.text.textContent = "Traitement : " + body.passages.traites + " passage(s) sur " +
          (total || "?") + " (" + body.progression + " %)";
        window.setTimeout(function () { poll(view, url, link); }, 1000);
      } else {
        view.text.textContent = body.libelleStatut + " : " + body.passages.acceptes +
          " accepté(s), " + body.passages.rejetes + " rejeté(s). ";
        var a = element("a", "fr-link", "Voir le dépôt et ses accusés");
        a.href = link;
        view.text.appendChild(a);
      }
    };
    request.send();
  }

  function send(file) {
    var view = row(file);
    var data = new FormData();
    data.append("fichier", file, file.name);
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-CSRFToken", csrf);
    request.setRequestHeader("Accept", "application/json");
    request.upload.onprogress = function (event) {
      if (!event.lengthComputable) return;
      var percent = Math.round((100 * event.loaded) / event.total);
      view.bar.value = percent;
      view.text.textContent = "Envoi : " + percent + " %";
    };
    request.onload = function () {
      var body = null;
      try { body = JSON.parse(request.responseText); } catch (error) { body = null; }
      if (body && body.tableurs && body.tableurs.length) {
        // A spreadsheet: its columns are mapped on the analysis page before any deposit.
        view.bar.value = 100;
        view.text.textContent = "Reçu. ";
        var next = element("a", "fr-link", "Associer les colonnes du tableur");
        next.href = body.tableurs[0].liens.page;
        view.text.appendChild(next);
        if (single) window.location.assign(next.href);
        return;
      }
      if (!body || !body.depots || !body.depots.length) {
        view.text.textContent = "Échec : " + ((body && body.erreurs && body.erreurs.join(" ")) ||
          "le serveur a refusé le fichier (" + request.status + ").");
        view.box.classList.add("pp-upload--error");
        return;
      }
      var deposit = body.depots[0];
      var reception = deposit.accuseReception;
      if (reception.statut === "rejete") {
        view.bar.value = 100;
        view.text.textContent = "Rejeté à la réception : " + reception.motifs.join(" ") + " ";
        view.box.classList.add("pp-upload--error");
        var a = element("a", "fr-link", "Voir l'accusé de réception");
        a.href = deposit.liens.page;
        view.text.appendChild(a);
        return;
      }
      view.text.textContent = (deposit.doublon ? "Déjà déposé. " : "Reçu. ") + "Traitement…";
      view.bar.value = deposit.progression;
      poll(view, deposit.liens.etat, deposit.liens.page);
    };
    request.onerror = function () {
      view.text.textContent = "Échec de l'envoi : vérifiez votre connexion et réessayez.";
      view.box.classList.add("pp-upload--error");
    };
    request.send(data);
  }

  form.addEventListener("submit", function (event) {
    var files = dropped || input.files;
    if (!files || !files.length) return;
    event.preventDefault();
    area.textContent = "";
    single = files.length === 1;
    for (var i = 0; i < files.length; i += 1) send(files[i]);
    dropped = null;
    form.reset();
  });

  if (zone) {
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("pp-dropzone--over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("pp-dropzone--over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        dropped = event.dataTransfer.files;
        area.textContent = "";
        for (var i = 0; i < dropped.length; i += 1) send(dropped[i]);
        dropped = null;
      }
    });
  }
})();
