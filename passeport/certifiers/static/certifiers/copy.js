// « Copier » buttons: copy the value of the element named by data-copy-target.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById("copy-status");
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    if (status) status.textContent = button.dataset.copiedLabel || "Copié";
  } catch (error) {
    if (status) status.textContent = "Copie impossible : sélectionnez le texte et copiez-le (Ctrl+C).";
  }
});
