"""Data-use agreements and the grants they create (SPEC section 4 "Agreement", "Grant").

One agreement binds a researcher and one data holder for the datasets that holder's committee
approved in one request. An amendment is a new version (`supersedes`); the old one stays
readable. An agreement in force creates one `Grant` per dataset and access condition.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.core.transitions import StateMachine


class AgreementTemplate(models.Model):
    """The federation-wide text of the data-use agreement, versioned; the newest version is used.

    `body` is Markdown; it is rendered and sanitised when an agreement is drafted, and the
    agreement keeps that rendering, so a later template version never changes a signed text.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Agreement(models.Model):
    class State(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        SIGNED_BY_RESEARCHER = "signed_by_researcher", _("Signed by the researcher")
        IN_FORCE = "in_force", _("In force")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    request = models.ForeignKey(
        "access.AccessRequest", on_delete=models.PROTECT, related_name="agreements"
    )
    holder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="agreements_as_holder",
        verbose_name=_("data holder"),
    )
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agreements"
    )
    items = models.ManyToManyField(
        "access.RequestedDataset", related_name="agreements", verbose_name=_("datasets")
    )
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amended_by"
    )
    state = models.CharField(
        _("state"), max_length=30, choices=State.choices, default=State.DRAFTED, db_index=True
    )
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"))
    created_at = models.DateTimeField(auto_now_add=True)
    in_force_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    template = models.ForeignKey(
        AgreementTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    # What the agreement says, fixed when drafted (parties, datasets with their conditions and
    # obligations, purpose, team, the template's text): the document is rendered from this only.
    terms = models.JSONField(default=dict, blank=True)
    # The current PDF: the draft, then with the researcher's signature, then the final one.
    document = models.FileField(upload_to="agreements/%Y/", blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    ended_reason = models.TextField(_("reason it ended"), blank=True)

    class Meta:
        verbose_name = _("data-use agreement")
        verbose_name_plural = _("data-use agreements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"DUA {self.pk} v{self.version}: {self.request}"


class Grant(models.Model):
    """Permission for one person to use one dataset through one access condition, for a period.

    What the token service turns into tokens: a grant is usable when it is active and now lies
    in [starts_at, ends_at).
    """

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    class Standing(models.TextChoices):
        """What a grant is worth today, which is what people read: a stored state of "active"
        before `starts_at` is not yet usable, and after `ends_at` is over even before the nightly
        task marks it expired. `selectors.grants_standing` filters by the same rule."""

        ACTIVE = "active", _("Active")
        UPCOMING = "upcoming", _("Not yet active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="grants")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grants"
    )
    dataset = models.ForeignKey(
        "catalogue.Dataset", on_delete=models.PROTECT, related_name="grants"
    )
    access_condition = models.ForeignKey(
        "catalogue.AccessCondition", on_delete=models.PROTECT, related_name="grants"
    )
    committee = models.ForeignKey(
        "access.Committee", on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_reason = models.TextField(_("reason"), blank=True)
    renewal_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Why it ended: "expired", "revoked" or "basis_lost" (the reasons of `grant_ended`).
    end_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["person", "state"], name="grant_person_state")]

    def __str__(self) -> str:
        return f"{self.dataset} ({self.access_condition_id}) for {self.person}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == self.State.ACTIVE and self.starts_at <= now < self.ends_at

    def standing(self, now=None) -> str:
        """The grant's `Standing` at `now`: usable exactly when it is ACTIVE."""
        now = now or timezone.now()
        if self.state == self.State.REVOKED:
            return self.Standing.REVOKED
        if self.state == self.State.EXPIRED or now >= self.ends_at:
            return self.Standing.EXPIRED
        if now < self.starts_at:
            return self.Standing.UPCOMING
        return self.Standing.ACTIVE

    @property
    def standing_label(self) -> str:
        return str(self.Standing(self.standing()).label)


class AgreementSignature(models.Model):
    """One party's signature: who, when, from where, and the SHA-256 of the exact PDF signed."""

    class Role(models.TextChoices):
        RESEARCHER = "researcher", _("Researcher")
        HOLDER = "holder", _("Data holder's signatory")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agreement_signatures"
    )
    role = models.CharField(_("signed as"), max_length=20, choices=Role.choices)
    signed_at = models.DateTimeField(_("signed at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    method = models.CharField(_("re-authenticated with"), max_length=20)
    document = models.FileField(upload_to="agreements/%Y/", blank=True)
    document_sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64)

    class Meta:
        verbose_name = _("agreement signature")
        verbose_name_plural = _("agreement signatures")
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "role"], name="agreement_signed_once")
        ]

    def __str__(self) -> str:
        return f"{self.signer} ({self.role}) on {self.agreement}"


AGREEMENT_MACHINE = StateMachine(
    "agreement",
    ("drafted", "signed_by_researcher", "in_force", "expired", "terminated"),
    {
        "sign": (["drafted"], "signed_by_researcher"),
        "countersign": (["signed_by_researcher"], "in_force"),
        "expire": (["in_force"], "expired"),
        "terminate": (["drafted", "signed_by_researcher", "in_force"], "terminated"),
    },
    noun=pgettext_lazy("after “the status of”", "this agreement"),
    state_labels=dict(Agreement.State.choices),
    action_labels={
        "sign": pgettext_lazy("action", "Sign"),
        "countersign": pgettext_lazy("action", "Countersign"),
        "expire": pgettext_lazy("action", "Mark as expired"),
        "terminate": pgettext_lazy("action", "Terminate"),
    },
)

GRANT_MACHINE = StateMachine(
    "grant",
    ("active", "expired", "revoked"),
    {
        "expire": (["active"], "expired"),
        "revoke": (["active"], "revoked"),
    },
    noun=pgettext_lazy("after “the status of”", "this grant"),
    state_labels=dict(Grant.State.choices),
    action_labels={
        "expire": pgettext_lazy("action", "Mark as expired"),
        "revoke": pgettext_lazy("action", "Revoke"),
    },
)
