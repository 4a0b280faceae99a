from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.accounts.models import Organisation
from governance.core.times import format_number


class ConflictForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("You will not evaluate any proposal of this organisation."),
    )
    proposal = forms.IntegerField(
        label=_("Or one proposal (its number)"), required=False, min_value=1
    )
    reason = forms.CharField(label=_("Why"), max_length=500)

    def clean(self):
        data = super().clean()
        if bool(data.get("organisation")) == bool(data.get("proposal")):
            raise forms.ValidationError(_("Name either an organisation or a proposal."))
        return data


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, criteria, scale: tuple[int, int], scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        low, high = scale
        for criterion in criteria:
            score = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("%(name)s (weight %(w)s)")
                % {"name": criterion.name, "w": format_number(criterion.weight)},
                help_text=criterion.description,
                choices=[("", "—")] + [(str(v), str(v)) for v in range(low, high + 1)],
                coerce=int,
                empty_value=None,
                required=False,
                initial=score.value if score else None,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(name)s") % {"name": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=score.comment if score else "",
            )

    def scores(self) -> dict[int, dict]:
        return {
            c.pk: {
                "value": self.cleaned_data.get(f"score_{c.pk}"),
                "comment": self.cleaned_data.get(f"comment_{c.pk}", ""),
            }
            for c in self.criteria
        }

    def field_pairs(self):
        return [(self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]
