"""Form helpers: DSFR classes on widgets, error descriptions linked for screen readers."""

from django import forms


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
                widget.attrs["aria-describedby"] = f"id_{name}-desc-error"
                widget.attrs["aria-invalid"] = "true"
