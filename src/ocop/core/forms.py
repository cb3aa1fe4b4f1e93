"""Form helpers every app uses: NFC normalisation of input and service errors on fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from ocop.core.text import has_forbidden_characters, nfc

FORBIDDEN_TEXT_MESSAGE = _("Remove the control or invisible characters from this text.")


def _contains_forbidden(value: Any) -> bool:
    if isinstance(value, str):
        return has_forbidden_characters(value)
    if isinstance(value, (list, tuple)):
        return any(_contains_forbidden(item) for item in value)
    return False


class NFCFormMixin:
    """Normalise every submitted value to NFC before the fields see it (the `raw_fields`, such as
    passwords, excepted), so that a name typed in decomposed form is stored, compared and searched
    as the composed one; and refuse, on its field, a value holding control or invisible characters
    (`ocop.core.text.FORBIDDEN_CHARACTERS`: NUL, ESC, C1, direction overrides, zero-width space,
    BOM; tabs and line breaks stay allowed), with the message the API gives."""

    raw_fields: tuple[str, ...] = ()

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None:
            prefix = kwargs.get("prefix")
            raw = {f"{prefix}-{name}" if prefix else name for name in self.raw_fields}
            if hasattr(data, "getlist"):
                data = data.copy()
                for key in list(data.keys()):
                    if key not in raw:
                        data.setlist(key, [nfc(value) for value in data.getlist(key)])
            else:
                data = {key: value if key in raw else nfc(value) for key, value in data.items()}
        super().__init__(data, *args, **kwargs)  # type: ignore[call-arg]

    def _clean_fields(self) -> None:
        super()._clean_fields()  # type: ignore[misc]
        form: Any = self
        for name, field in form.fields.items():
            if name in self.raw_fields or field.disabled:
                continue
            value = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
            if _contains_forbidden(value):
                # this error replaces the field's own (such as Django's "Null characters are not
                # allowed."), and the value never reaches clean() or the services
                form._errors.pop(name, None)
                form.add_error(name, FORBIDDEN_TEXT_MESSAGE)


class NFCForm(NFCFormMixin, forms.Form):
    pass


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field of the same name, otherwise
    at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        field = key if key in form.fields and key != NON_FIELD_ERRORS else None
        for error in errors:
            form.add_error(field, error)
