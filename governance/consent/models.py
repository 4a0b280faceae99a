"""ELSI consent (SPEC sections 1 and 4 "Consent record").

A consent form is versioned: a draft may change, a published version never does (a new version
is a new row). A consent record says that one pseudonymous subject gave consent, under one form
version, for one dataset; the portal never holds who the subject is. A withdrawal is terminal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.core.errors import InvalidTransition
from governance.core.transitions import StateMachine

# The EU's official languages (a form is written in one; patients read it in theirs).
FORM_LANGUAGES = [
    ("bg", _("Bulgarian")),
    ("cs", _("Czech")),
    ("da", _("Danish")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("et", _("Estonian")),
    ("fi", _("Finnish")),
    ("fr", _("French")),
    ("ga", _("Irish")),
    ("hr", _("Croatian")),
    ("hu", _("Hungarian")),
    ("it", _("Italian")),
    ("lt", _("Lithuanian")),
    ("lv", _("Latvian")),
    ("mt", _("Maltese")),
    ("nl", _("Dutch")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ro", _("Romanian")),
    ("sk", _("Slovak")),
    ("sl", _("Slovenian")),
    ("sv", _("Swedish")),
]


class LegalBasis(models.TextChoices):
    """Why processing is lawful (GDPR Art. 6 and 9), as the form states it."""

    CONSENT = "consent", _("Explicit consent (GDPR Art. 6(1)(a) and 9(2)(a))")
    PUBLIC_INTEREST = (
        "public_interest",
        _("Task in the public interest (GDPR Art. 6(1)(e) and 9(2)(i))"),
    )
    SCIENTIFIC_RESEARCH = (
        "scientific_research",
        _("Scientific research with safeguards (GDPR Art. 9(2)(j) and 89)"),
    )
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (GDPR Art. 6(1)(c))")


class Scope(models.TextChoices):
    """How much of what the form permits the subject agreed to."""

    ALL_USES = "all_uses", _("All uses the form permits")
    NON_COMMERCIAL = "non_commercial", _("Only non-commercial use")
    OWN_DISEASE = "own_disease", _("Only research on the subject's own disease")


class FormIsFinal(InvalidTransition):
    """A published consent-form version never changes."""

    def __init__(self, form: ConsentForm) -> None:
        super().__init__(
            _(
                "Version %(version)s of this consent form is in use and can no longer change. "
                "Start a new version instead."
            )
            % {"version": form.version}
        )


class ConsentForm(models.Model):
    """One version of a consent form: a data holder's own, or federation-wide."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("In use")
        SUPERSEDED = "superseded", _("Superseded")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consent_forms",
        verbose_name=_("data holder"),
        help_text=_("Leave empty for a federation-wide form that every data holder may use."),
    )
    code = models.SlugField(
        _("code"),
        max_length=60,
        help_text=_(
            "A short name that stays the same across versions, e.g. “imaging-research”; "
            "CSV imports name the form by it."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(_("language"), max_length=10, choices=FORM_LANGUAGES, default="en")
    duo_permission = models.ForeignKey(
        "catalogue.DuoTerm",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "permission", "deprecated": False},
        verbose_name=_("permitted use (DUO)"),
    )
    duo_modifiers = models.ManyToManyField(
        "catalogue.DuoTerm",
        related_name="+",
        blank=True,
        limit_choices_to={"kind": "modifier", "deprecated": False},
        verbose_name=_("conditions on use (DUO modifiers)"),
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=30, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    offers_data_altruism = models.BooleanField(
        _("offers data altruism"),
        default=False,
        help_text=_(
            "The form lets the subject also make the data available for general-interest "
            "purposes under the Data Governance Act."
        ),
    )
    plain_summary = models.TextField(
        _("plain-language summary"),
        help_text=_("What the subject agrees to, in words a patient understands."),
    )
    document = models.FileField(_("the form (PDF)"), upload_to="consent/forms/%Y/", blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("in use since"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("consent form")
        verbose_name_plural = _("consent forms")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code", "version"], name="consent_form_unique_version"
            ),
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=models.Q(organisation__isnull=True),
                name="consent_form_unique_federation_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs) -> None:
        # Once in use, only the state may change (published -> superseded).
        if self.pk is not None:
            update_fields = kwargs.get("update_fields")
            stored = type(self).objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if (
                stored is not None
                and stored != self.State.DRAFT
                and (update_fields is None or set(update_fields) - {"state", "updated_at"})
            ):
                raise FormIsFinal(self)
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_federation_wide(self) -> bool:
        return self.organisation_id is None


FORM_MACHINE = StateMachine(
    "consent form",
    ("draft", "published", "superseded"),
    {
        "publish": (["draft"], "published"),
        "supersede": (["published"], "superseded"),
    },
    noun=pgettext_lazy("after “the status of”", "this consent form"),
    state_labels=dict(ConsentForm.State.choices),
    action_labels={
        "publish": pgettext_lazy("action", "Publish"),
        "supersede": pgettext_lazy("action", "Replace with a new version"),
    },
)


class ConsentRecord(models.Model):
    """One pseudonymous subject's consent for one dataset."""

    class Status(models.TextChoices):
        GIVEN = "given", _("Given")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    dataset = models.ForeignKey(
        "catalogue.Dataset",
        on_delete=models.PROTECT,
        related_name="consent_records",
        verbose_name=_("dataset"),
    )
    pseudonym = models.CharField(
        _("subject pseudonym"),
        max_length=64,
        help_text=_("The code your pseudonymisation gives the subject; never a name or an id."),
    )
    form = models.ForeignKey(
        ConsentForm,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("consent form version"),
    )
    given_on = models.DateField(_("consent given on"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    data_altruism = models.BooleanField(_("also consented to data altruism"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.GIVEN, editable=False
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["dataset", "pseudonym"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "pseudonym"], name="consent_record_one_per_subject"
            ),
            models.CheckConstraint(
                condition=models.Q(status="given", withdrawn_on__isnull=True)
                | models.Q(status="withdrawn", withdrawn_on__isnull=False),
                name="consent_record_withdrawn_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["dataset", "status", "form"], name="consent_record_counts"),
            models.Index(fields=["pseudonym"], name="consent_record_pseudonym"),
        ]

    def __str__(self) -> str:
        return f"{self.pseudonym} — {self.dataset}"

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN


RECORD_MACHINE = StateMachine(
    "consent record",
    ("given", "withdrawn"),
    {"withdraw": (["given"], "withdrawn")},
    noun=pgettext_lazy("after “the status of”", "this consent record"),
    state_labels=dict(ConsentRecord.Status.choices),
    action_labels={"withdraw": pgettext_lazy("action", "Withdraw consent")},
)


class ConsentWithdrawal(models.Model):
    """The subject withdrew: dated, with its scope and (optionally) the reason given."""

    class Scope(models.TextChoices):
        FUTURE_USE = "future_use", _("Stop all future use")
        REMOVAL = "removal", _("Stop future use and remove the data where feasible")

    record = models.OneToOneField(
        ConsentRecord, on_delete=models.PROTECT, related_name="withdrawal"
    )
    withdrawn_on = models.DateField(_("withdrawn on"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Optional. Never write anything that identifies the subject."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    notified_grants = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("consent withdrawal")
        verbose_name_plural = _("consent withdrawals")
        ordering = ["-withdrawn_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.record.pseudonym} withdrew on {self.withdrawn_on}"
