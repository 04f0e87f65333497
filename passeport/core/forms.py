"""Form helpers: DSFR classes on widgets, error descriptions linked for screen readers."""

from django import forms


def describedby_ids(form: forms.Form, name: str, *, error: bool) -> str:
    """The ids a field's `aria-describedby` lists: its hint (`<auto_id>_helptext`, the id the
    templates give the `fr-hint-text`) then its error (`<auto_id>-desc-error`). RGAA 11.10: the
    error message is linked to its field without losing the hint (WCAG 3.3.1, 3.3.2)."""
    auto_id = form[name].auto_id
    ids = []
    if form.fields[name].help_text:
        ids.append(f"{auto_id}_helptext")
    if error:
        ids.append(f"{auto_id}-desc-error")
    return " ".join(ids)


def mark_invalid(form: forms.Form, name: str) -> None:
    """`aria-invalid` and the hint and error ids on the widget of a field in error."""
    attrs = form.fields[name].widget.attrs
    attrs["aria-invalid"] = "true"
    attrs["aria-describedby"] = describedby_ids(form, name, error=True)


class DsfrFormMixin:
    """Adds the DSFR input classes and `aria-describedby` on errors to every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = {
                forms.Select: "fr-select",
                forms.CheckboxInput: "",
                forms.ClearableFileInput: "fr-upload",
                forms.FileInput: "fr-upload",
            }.get(type(widget), "fr-input")
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if self.is_bound and name in self.errors:
                mark_invalid(self, name)
