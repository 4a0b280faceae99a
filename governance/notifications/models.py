from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.core.transitions import StateMachine

# Placeholder left in a sensitive email's text once it has been delivered.
WITHHELD_BODY = "[Removed after delivery: this message carried a one-time link or code.]"


class OutboundEmail(models.Model):
    """One email the portal sent or tried to send: the outbox staff can read and resend from."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    template = models.CharField(_("template"), max_length=120)
    language = models.CharField(_("language"), max_length=10, blank=True)
    sensitive = models.BooleanField(
        _("carries a one-time link"),
        default=False,
        help_text=_(
            "Password-reset links, verification links and sign-in codes: the text is never "
            "shown in the outbox and is removed once the email has been delivered."
        ),
    )
    forget_recipient = models.BooleanField(
        _("recipient forgotten after delivery"),
        default=False,
        help_text=_(
            "For the confirmation of an erasure: once delivered, neither the address nor the "
            "text stays in the outbox."
        ),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to) or '(recipient erased)'}"

    @property
    def body_withheld(self) -> bool:
        """True once a sensitive email's text has been removed after delivery."""
        return self.sensitive and self.body_text == WITHHELD_BODY


# An email waits in the queue until delivered or given up on; staff may queue it again.
EMAIL_STATES = StateMachine(
    "email",
    tuple(OutboundEmail.State.values),
    {
        "deliver": ([OutboundEmail.State.QUEUED], OutboundEmail.State.SENT),
        "give_up": ([OutboundEmail.State.QUEUED], OutboundEmail.State.FAILED),
        "resend": (
            [OutboundEmail.State.SENT, OutboundEmail.State.FAILED],
            OutboundEmail.State.QUEUED,
        ),
    },
    rules={"resend": "notifications.resend"},
    noun=pgettext_lazy("after “the status of”", "this email"),
    state_labels=dict(OutboundEmail.State.choices),
    action_labels={
        "deliver": pgettext_lazy("action", "Send"),
        "give_up": pgettext_lazy("action", "Give up"),
        "resend": pgettext_lazy("action", "Send again"),
    },
)
