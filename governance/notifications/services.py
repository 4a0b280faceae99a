"""Sending email through the outbox.

Every email becomes an `OutboundEmail` row in the caller's transaction; a Celery task started on
commit delivers it, retries with backoff, and records each attempt. So an email is sent only if
the change it announces was saved, and staff can see and resend whatever did not go out.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.dispatch import Signal
from django.template import Context, TemplateDoesNotExist, engines
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from governance.accounts.selectors import language_of
from governance.audit.services import record
from governance.core.errors import InvalidTransition, NotPermitted
from governance.core.permissions import may
from governance.notifications.models import EMAIL_STATES, WITHHELD_BODY, OutboundEmail

logger = logging.getLogger(__name__)

# An email was queued (or queued again), sent inside the queuing transaction with `email_id`. The
# notifications tasks module listens and starts its delivery once the transaction commits.
email_queued = Signal()

State = OutboundEmail.State


def send_email(
    *,
    to: str | list[str],
    template: str,
    context: Mapping[str, Any],
    language: str | None = None,
    sensitive: bool = False,
    forget_recipient: bool = False,
) -> OutboundEmail:
    """Render `templates/emails/<template>{_subject.txt,.txt,.html}` and queue the email.

    `template` is like "accounts/erasure_completed"; the HTML part is optional. The email is
    rendered in `language`; without one, in the language the recipient chose on their account
    (one recipient), else in the portal's default language (never the language of whoever
    triggered it). `sensitive` marks emails that carry a
    one-time link or code: staff never see their text. `forget_recipient` (the confirmation of
    an erasure) also removes the address once the email is delivered. Call it inside the
    transaction that makes the change the email announces; it is delivered only once that
    transaction commits.
    """
    if not language and isinstance(to, str):
        language = language_of(to)
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, body_text, body_html = render_email(template=template, context=context)
    return queue_rendered_email(
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        template=template,
        language=language,
        sensitive=sensitive,
        forget_recipient=forget_recipient,
    )


def render_email(*, template: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) for a template, in the active language. html may be empty."""
    full_context = {
        "PORTAL_NAME": _("Cancer Imaging Governance Portal"),
        "PORTAL_BASE_URL": settings.PORTAL_BASE_URL,
        **context,
    }
    # Plain-text parts are not HTML: no escaping, or "&" would arrive as "&amp;".
    engine = engines["django"].engine  # type: ignore[attr-defined]
    subject = engine.get_template(f"emails/{template}_subject.txt").render(
        Context(full_context, autoescape=False)
    )
    subject = " ".join(subject.split())
    body_text = (
        engine.get_template(f"emails/{template}.txt")
        .render(Context(full_context, autoescape=False))
        .strip()
    )
    try:
        body_html = render_to_string(f"emails/{template}.html", full_context).strip()
    except TemplateDoesNotExist:
        body_html = ""
    return subject, body_text + "\n", body_html


def queue_rendered_email(
    *,
    to: str | list[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    template: str = "",
    language: str = "",
    sensitive: bool = False,
    forget_recipient: bool = False,
) -> OutboundEmail:
    """Queue an email rendered elsewhere (allauth's messages), like `send_email` does."""
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients or not all(recipients):
        raise ValueError("An email needs at least one recipient address.")
    with transaction.atomic():
        email = OutboundEmail.objects.create(
            to=recipients,
            subject=" ".join(subject.split())[:250],
            body_text=body_text,
            body_html=body_html,
            template=template[:120],
            language=language or translation.get_language() or "",
            sensitive=sensitive or forget_recipient,
            forget_recipient=forget_recipient,
        )
        email_queued.send(sender=OutboundEmail, email_id=email.pk)
    return email


def resend(*, email: OutboundEmail, actor) -> OutboundEmail:
    """Queue a sent or failed email again (staff). The same row gets a fresh round of attempts.

    Resending keeps one row per message, so the outbox counts stay true and the row's history
    (attempts, last error) stays in one place; the audit event records who resent it and what
    state it was in.
    """
    if not may(actor, "notifications.manage_outbox"):
        raise NotPermitted(_("Only portal staff may resend email."))
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
        if not EMAIL_STATES.can(email.state, "resend"):  # queued
            raise InvalidTransition(
                _(
                    "This email is still queued: it will be delivered, or retried, on its own. "
                    "Resend it once it has been sent or has failed."
                )
            )
        if email.body_withheld:
            raise InvalidTransition(
                _(
                    "This email carried a one-time link or code that is no longer stored. Ask "
                    "the person to request a new one (for example with “Forgot your password?”)."
                ),
                code="email_withheld",
            )
        before = {"state": email.state, "attempts": email.attempts, "sent_at": email.sent_at}
        email.state = EMAIL_STATES.target(email.state, "resend")
        email.save(update_fields=["state"])
        record(
            actor=actor,
            action="email.resent",
            obj=email,
            # The subject and recipients are personal data: they stay out of the audit trail.
            object_repr=f"Email #{email.pk} ({email.template or 'no template'})",
            before=before,
            after={"state": email.state},
        )
        email_queued.send(sender=OutboundEmail, email_id=email.pk)
    return email


def send_test_email(*, actor) -> OutboundEmail:
    """Staff check that mail leaves the portal: a short message to themselves."""
    if not may(actor, "notifications.manage_outbox"):
        raise NotPermitted(_("Only portal staff may send test email."))
    with transaction.atomic():
        email = send_email(
            to=actor.email,
            template="notifications/test_message",
            context={"person": actor},
            language=translation.get_language(),
        )
        record(
            actor=actor,
            action="email.test_sent",
            obj=email,
            object_repr=f"Email #{email.pk} (notifications/test_message)",
        )
    return email


def deliver(*, email_id: int, final_attempt: bool) -> str:
    """Send one queued email; "sent", "failed" (given up) or "skipped" (nothing to do).

    The row stays locked while the message goes to the mail server, so two workers handed the
    same task cannot both send it, and a row already sent is never sent again. A failure is
    recorded on the row; unless this was the final attempt the error is raised again so that
    the task retries.
    """
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.state != State.QUEUED:
            return "skipped"
        now = timezone.now()
        email.attempts += 1
        email.last_attempt_at = now
        try:
            _send(email)
        except Exception as exc:  # any failure of the mail server or network is retried
            error = exc
            email.last_error = f"{now.isoformat()} {exc.__class__.__name__}: {exc}"[:2000]
            fields = ["attempts", "last_attempt_at", "last_error"]
            if final_attempt:
                email.state = EMAIL_STATES.target(email.state, "give_up")
                fields.append("state")
            email.save(update_fields=fields)
        else:
            email.state = EMAIL_STATES.target(email.state, "deliver")
            email.sent_at = now
            fields = ["state", "sent_at", "attempts", "last_attempt_at"]
            if email.sensitive:
                # The one-time link must not outlive its delivery in our database.
                email.body_text = WITHHELD_BODY
                email.body_html = ""
                fields += ["body_text", "body_html"]
            if email.forget_recipient:
                email.to = []
                fields.append("to")
            email.save(update_fields=fields)
            return "sent"
    if final_attempt:
        logger.warning(
            "Email #%s failed after %s attempts; staff can resend it from the outbox: %s",
            email_id,
            email.attempts,
            email.last_error,
        )
        return "failed"
    raise error


def _send(email: OutboundEmail) -> None:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        headers={"X-Portal-Email-Id": str(email.pk)},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    message.send()


# The footer every email ends with names the base URL it was written with (emails/base.txt).
_FOOTER_BASE = re.compile(r"(https?://\S+?)/\n[^\n]*\n?\Z")


def demo_emails_rebase(*, domain: str, base_url: str) -> int:
    """Point the links of emails sent only to `domain` at `base_url`; how many changed.

    For demo data only (seed_demo): the outbox is otherwise the record of what was sent.
    """
    moved = 0
    for email in OutboundEmail.objects.exclude(to=[]).iterator():
        if not all(str(address).endswith(f"@{domain}") for address in email.to):
            continue
        found = _FOOTER_BASE.search(email.body_text)
        if found is None or found.group(1) == base_url:
            continue
        old = re.compile(re.escape(found.group(1)) + r"(?=[/\s\"'<)]|\Z)")
        email.body_text = old.sub(base_url, email.body_text)
        email.body_html = old.sub(base_url, email.body_html)
        email.save(update_fields=["body_text", "body_html"])
        moved += 1
    return moved
