"""The form side of the domain's errors: a service's refusal shown in the form that sent it."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from governance.core.errors import Invalid, PortalError, Problems


def show_error(
    form: forms.BaseForm,
    error: PortalError,
    *,
    formsets: Mapping[str, forms.BaseFormSet] | None = None,
) -> None:
    """Each message of an `Invalid` beside its field (or above the form); any other error above.

    `formsets` name the fields that the page edits as a formset (a statement's `modifiers`):
    their messages go above the formset's rows.
    """
    if not isinstance(error, Invalid):
        form.add_error(None, error.detail)
        return
    formsets = formsets or {}
    for field, messages in error.errors.items():
        if field in formsets:
            formsets[field].non_form_errors().extend(messages)
            continue
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class DomainModelForm(forms.ModelForm):
    """A model form whose rules across fields are its service's, not its own.

    `domain_problems` asks the service's check about the instance the form has built, so that
    the page names every problem at once, beside its field; the service checks again on save.
    """

    def domain_problems(self, instance) -> Problems:
        return Problems()

    def _post_clean(self) -> None:
        # Django builds the instance from the cleaned data here, then runs the model's checks.
        super()._post_clean()  # type: ignore[misc]
        problems = self.domain_problems(self.instance)
        if problems:
            show_error(self, problems.as_error())
