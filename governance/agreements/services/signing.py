"""Signing: the agreement's PDF, re-authenticated signatures, coming into force with its grants."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.accounts.selectors import has_totp
from governance.agreements import documents, rules
from governance.agreements.models import (
    AGREEMENT_MACHINE,
    Agreement,
    AgreementSignature,
    Grant,
)
from governance.agreements.services.drafting import _agreement_summary, _link, _signatory_emails
from governance.agreements.services.ending import _end_agreement
from governance.audit.services import record
from governance.core import events
from governance.core.errors import (
    ConcurrentChange,
    Invalid,
    InvalidTransition,
    NotPermitted,
    PortalError,
)
from governance.notifications.services import send_email


class WrongCredentials(PortalError):
    """Re-authentication before signing failed; nothing was recorded."""

    code = "wrong_credentials"


def _signatures(agreement: Agreement) -> list[AgreementSignature]:
    return list(agreement.signatures.select_related("signer").order_by("signed_at"))


def _store_document(agreement: Agreement, pdf: bytes) -> None:
    digest = documents.sha256(pdf)
    name = f"dua-{agreement.pk}-v{agreement.version}-{agreement.state}-{digest[:12]}.pdf"
    agreement.document.save(name, ContentFile(pdf), save=False)
    agreement.document_sha256 = digest
    agreement.save(update_fields=["document", "document_sha256"])


@transaction.atomic
def agreement_document(*, agreement: Agreement) -> bytes:
    """The agreement's current PDF, rendered and stored on first use; its hash is stored too."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if not agreement.document:
        _store_document(agreement, documents.render_pdf(agreement, _signatures(agreement)))
    with agreement.document.open("rb") as stored:
        return stored.read()


# Signing


def _reauthenticate(actor, *, password: str, code: str) -> str:
    """Check the password (or TOTP code) again; the method used, or WrongCredentials."""
    if not password and not code:
        raise Invalid(
            {"password": _("Enter your password (or an authenticator code) to sign.")}  # nosec B105 # a message about the password field
        )
    if code:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        authenticator = Authenticator.objects.filter(
            user=actor, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise WrongCredentials(
                _("You have no authenticator app set up: sign with your password instead.")
            )
        if not TOTP(authenticator).validate_code(code.strip()):
            raise WrongCredentials(
                _(
                    "That code is not correct (or was used already). Enter the current code "
                    "from your authenticator app; nothing was signed."
                )
            )
        return "totp"
    if not password or not actor.check_password(password):
        hint = _(" or a code from your authenticator app") if has_totp(actor) else ""
        raise WrongCredentials(
            _(
                "The password is not correct. Enter your portal password%(hint)s to sign; "
                "nothing was signed."
            )
            % {"hint": hint}
        )
    return "password"


def _signing_role(agreement: Agreement, actor) -> str:
    """Which signature the actor would give now, or the error saying why they cannot."""
    is_researcher = rules.is_researcher_of(actor, agreement)
    is_signatory = rules.is_signatory_of(actor, agreement)
    if not (is_researcher or is_signatory):
        raise NotPermitted(
            _(
                "Only the researcher and the data holder's signatories sign this agreement. "
                "You can read it but not sign it."
            )
        )
    state = agreement.state
    if state == Agreement.State.DRAFTED:
        if is_researcher:
            return AgreementSignature.Role.RESEARCHER
        raise InvalidTransition(
            _("The researcher signs first; you can countersign once they have signed.")
        )
    if state == Agreement.State.SIGNED_BY_RESEARCHER:
        if is_signatory:
            return AgreementSignature.Role.HOLDER
        raise InvalidTransition(
            _("You have signed already; the data holder's signatory countersigns next.")
        )
    AGREEMENT_MACHINE.target(state, "sign")  # raises: explains that the state is final
    raise InvalidTransition(_("This agreement cannot be signed."))  # pragma: no cover


def can_sign(person, agreement: Agreement) -> bool:
    try:
        _signing_role(agreement, person)
    except PortalError:
        return False
    return True


@transaction.atomic
def agreement_sign(
    *,
    agreement: Agreement,
    actor,
    password: str = "",
    code: str = "",
    ip: str | None = None,
    expected_sha256: str = "",
) -> Agreement:
    """The researcher signs, then the holder's signatory countersigns, each re-authenticating.

    The signature records the SHA-256 of the exact PDF the signer had (`expected_sha256`, if
    given, must still be the current one). Countersigning puts the agreement in force: the final
    PDF is stored, grants are created, and an amendment replaces the version it supersedes.
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    role = _signing_role(agreement, actor)
    method = _reauthenticate(actor, password=password, code=code)
    if not agreement.document:
        _store_document(agreement, documents.render_pdf(agreement, _signatures(agreement)))
    if expected_sha256 and expected_sha256 != agreement.document_sha256:
        raise ConcurrentChange(
            _("The document changed since you opened it. Read the current version and sign again.")
        )
    before = _agreement_summary(agreement)
    now = timezone.now()
    signature = AgreementSignature.objects.create(
        agreement=agreement,
        signer=actor,
        role=role,
        signed_at=now,
        ip=ip or None,
        method=method,
        document=agreement.document.name,
        document_sha256=agreement.document_sha256,
    )
    action = "sign" if role == AgreementSignature.Role.RESEARCHER else "countersign"
    agreement.state = AGREEMENT_MACHINE.target(agreement.state, action)
    if agreement.state == Agreement.State.IN_FORCE:
        agreement.in_force_at = now
    agreement.save(update_fields=["state", "in_force_at"])
    _store_document(agreement, documents.render_pdf(agreement, _signatures(agreement)))
    record(
        actor=actor,
        action=f"agreements.{'signed' if action == 'sign' else 'countersigned'}",
        obj=agreement,
        before=before,
        after={
            **_agreement_summary(agreement),
            "signed_document_sha256": signature.document_sha256,
            "method": method,
        },
    )
    if agreement.state == Agreement.State.SIGNED_BY_RESEARCHER:
        recipients = _signatory_emails(agreement.holder_id)
        if recipients:
            send_email(
                to=recipients,
                template="agreements/agreement_to_countersign",
                context={
                    "agreement": agreement,
                    "terms": agreement.terms,
                    "link": _link(agreement),
                },
            )
    else:
        _come_into_force(agreement, actor=actor, now=now)
    return agreement


def _come_into_force(agreement: Agreement, *, actor, now: datetime.datetime) -> None:
    previous = agreement.supersedes
    if previous is not None:
        previous = Agreement.objects.select_for_update().get(pk=previous.pk)
        if previous.state in AGREEMENT_MACHINE.transitions["terminate"].sources:
            _end_agreement(
                previous,
                actor=actor,
                action="terminate",
                reason=_("Replaced by version %(version)s.") % {"version": agreement.version},
                grant_reason="basis_lost",
            )
    grants = _create_grants(agreement, now=now)
    record(
        actor=actor,
        action="agreements.in_force",
        obj=agreement,
        after={"grants": [grant.pk for grant in grants], "supersedes": agreement.supersedes_id},
    )
    events.agreement_in_force.send(sender=Agreement, agreement=agreement)
    send_email(
        to=[agreement.researcher.email, *_signatory_emails(agreement.holder_id)],
        template="agreements/agreement_in_force",
        context={
            "agreement": agreement,
            "terms": agreement.terms,
            "grants": grants,
            "link": _link(agreement),
        },
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _create_grants(agreement: Agreement, *, now: datetime.datetime) -> list[Grant]:
    starts_at = max(_start_of(agreement.starts_on), now)
    ends_at = _start_of(agreement.ends_on + datetime.timedelta(days=1))  # end of ends_on
    grants = []
    for item in agreement.items.select_related("dataset", "access_condition").order_by("pk"):
        grants.append(
            Grant.objects.create(
                agreement=agreement,
                person=agreement.researcher,
                dataset=item.dataset,
                access_condition=item.access_condition,
                committee_id=item.committee_id,
                starts_at=starts_at,
                ends_at=ends_at,
            )
        )
    return grants
