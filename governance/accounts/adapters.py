from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.utils.html import strip_tags

from governance.notifications.services import queue_rendered_email


class AccountAdapter(DefaultAccountAdapter):
    """Hooks for django-allauth; sign-up stays open to anyone with a verified email address."""

    # Context keys of allauth's emails that carry a one-time link or code (verification, password
    # reset, sign-in code): staff never read those emails' text in the outbox.
    SECRET_CONTEXT_KEYS = frozenset({"key", "code", "activate_url"})

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render as allauth does, then send through the outbox (stored, retried, resendable)."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        body_text, body_html = str(message.body), ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                body_html = str(content)
        if message.content_subtype == "html":  # allauth found only an HTML template
            body_text, body_html = strip_tags(body_text), body_text
        queue_rendered_email(
            to=list(message.to),
            subject=str(message.subject),
            body_text=body_text,
            body_html=body_html,
            template=template_prefix,
            sensitive=bool(self.SECRET_CONTEXT_KEYS & context.keys()),
        )
