"""Consultations and policies: the consultation and policy pages of `engagement:` and the API's
consultations, policy documents and policy versions (surveys and events are another area's).

SPEC 2 and 6, docs/engagement.md, governance/engagement/selectors.py and services.py: staff
write policies (documents, versions, translations) and run consultations on published versions
(create, edit while draft, open, close, answer and hide comments, publish what we heard). The
staff's authoring pages (`/engagement/policies/...`, a consultation's creation, edition and
moderation) are theirs alone: 404 to everyone else. Registered people (patient organisations,
data holders, researchers ...) comment on an open consultation, which everyone reads, visitors
too; "what we heard" is public once the response is published. Published policy versions (and
the documents that have one) are public in the API; drafts are staff-only (404). An action on a
visible object that one may not take is 403 (SPEC 5: 404 only for what one may not see).

The demo seeds no comment: the subject `comment.patientorg` is the patient-organisation
representative's public comment on the first section, written if missing and found again by its
author and text.
"""

from __future__ import annotations

from tests.authz.table import (
    PUBLIC,
    SIGNED_IN,
    STAFF,
    api,
    api_prefixes,
    page,
)

PREFIXES = (
    "engagement:home",
    "engagement:consultation",
    "engagement:comment_",
    "engagement:polic",
    *api_prefixes("consultations", "policy-documents", "policy-versions"),
)

CONSULTATION = "Consultation on the ELSI data framework"
POLICY = "elsi-data-framework"
COMMENT = "Please say in plain words how long the images are kept after a project ends."


def _consultation():
    from governance.engagement.models import Consultation

    return Consultation.objects.get(title=CONSULTATION)


def _policy():
    from governance.engagement.models import PolicyDocument

    return PolicyDocument.objects.get(slug=POLICY)


def _version():
    return _policy().versions.get(number=1)


def _comment():
    from governance.accounts.models import User
    from governance.engagement.models import Comment

    consultation = _consultation()
    comment, _ = Comment.objects.get_or_create(
        consultation=consultation,
        author=User.objects.get(email="patientorg@demo.example"),
        body=COMMENT,
        defaults={
            "section": consultation.version.sections.order_by("position", "pk").first(),
            "visibility": Comment.Visibility.PUBLIC,
        },
    )
    return comment


SUBJECTS = {
    "consultation.elsi": (
        "the open consultation on the ELSI data framework (public, run by staff)",
        _consultation,
    ),
    "consultation.elsi_close": (
        "closing the open ELSI consultation (the transition page)",
        lambda: {"pk": _consultation().pk, "action": "close"},
    ),
    "policy.elsi": ("the ELSI data framework policy (it has a published version)", _policy),
    "version.elsi": ("version 1 of the ELSI data framework, published and consulted", _version),
    "comment.patientorg": (
        "the patient-organisation representative's public comment on the ELSI consultation",
        _comment,
    ),
}

# Staff's authoring pages are invisible to everyone else (docs/engagement.md: "staff only;
# everyone else gets 404").
WORKSPACE = {"denied": 404}
# The consultation and the published version are public: an action refused on them is 403.
ACT_ON_PUBLIC = {"denied": 403}
CREATE_STAFF: dict = {}

PAGES = [
    # The area's root leads to the public consultations.
    page("engagement:home", PUBLIC),
    page("engagement:consultations", PUBLIC),
    page("engagement:consultation_create", STAFF, **WORKSPACE),
    page("engagement:consultation", PUBLIC, subject="consultation.elsi"),
    # Open: staff are sent back to the consultation (only a draft changes).
    page("engagement:consultation_edit", STAFF, subject="consultation.elsi", **WORKSPACE),
    # Translations change in any state: a translation renders what people were told.
    page("engagement:consultation_translations", STAFF, subject="consultation.elsi", **WORKSPACE),
    # Every registered person may comment; the empty form is refused (400).
    page("engagement:consultation_comment", SIGNED_IN, "POST", subject="consultation.elsi"),
    # Staff get the confirmation page first.
    page(
        "engagement:consultation_transition",
        STAFF,
        "POST",
        subject="consultation.elsi_close",
        denied=403,
    ),
    # What we heard does not exist before the response is published: staff only until then.
    page(
        "engagement:consultation_outcome",
        STAFF,
        subject="consultation.elsi",
        denied=404,
        anonymous=404,
    ),
    page("engagement:comment_moderate", STAFF, subject="comment.patientorg", **WORKSPACE),
    page("engagement:policies", STAFF, **WORKSPACE),
    page("engagement:policy_create", STAFF, **WORKSPACE),
    page("engagement:policy", STAFF, subject="policy.elsi", **WORKSPACE),
    page("engagement:policy_version_create", STAFF, subject="policy.elsi", **WORKSPACE),
    page("engagement:policy_version", STAFF, subject="version.elsi", **WORKSPACE),
    # Published: staff are sent back to the version (published versions never change).
    page("engagement:policy_version_edit", STAFF, subject="version.elsi", **WORKSPACE),
    page(
        "engagement:policy_version_publish",
        STAFF,
        "POST",
        subject="version.elsi",
        denied=403,
    ),
    page("engagement:policy_translation", STAFF, subject="version.elsi", **WORKSPACE),
]

API = [
    api("GET /api/v1/consultations/", PUBLIC),
    api("POST /api/v1/consultations/", STAFF, **CREATE_STAFF),
    api("GET /api/v1/consultations/{id}/", PUBLIC, "consultation.elsi"),
    # Open: staff's change is refused by the state (409).
    api("PATCH /api/v1/consultations/{id}/", STAFF, "consultation.elsi", **ACT_ON_PUBLIC),
    api("POST /api/v1/consultations/{id}/open/", STAFF, "consultation.elsi", **ACT_ON_PUBLIC),
    api("POST /api/v1/consultations/{id}/close/", STAFF, "consultation.elsi", **ACT_ON_PUBLIC),
    api(
        "POST /api/v1/consultations/{id}/publish-response/",
        STAFF,
        "consultation.elsi",
        **ACT_ON_PUBLIC,
    ),
    api("POST /api/v1/consultations/{id}/comment/", SIGNED_IN, "consultation.elsi"),
    api("GET /api/v1/consultations/{id}/comments/", PUBLIC, "consultation.elsi"),
    api("GET /api/v1/consultations/{id}/", (), "missing", denied=404, anonymous=404),
    api("GET /api/v1/policy-documents/", PUBLIC),
    api("POST /api/v1/policy-documents/", STAFF, **CREATE_STAFF),
    api("GET /api/v1/policy-documents/{id}/", PUBLIC, "policy.elsi"),
    api("GET /api/v1/policy-versions/", PUBLIC),
    api("POST /api/v1/policy-versions/", STAFF, **CREATE_STAFF),
    api("GET /api/v1/policy-versions/{id}/", PUBLIC, "version.elsi"),
    # Published: staff's change and publication are refused by the state (409).
    api("PATCH /api/v1/policy-versions/{id}/", STAFF, "version.elsi", **ACT_ON_PUBLIC),
    api("POST /api/v1/policy-versions/{id}/publish/", STAFF, "version.elsi", **ACT_ON_PUBLIC),
    api("POST /api/v1/policy-versions/{id}/translations/", STAFF, "version.elsi", **ACT_ON_PUBLIC),
]

ROWS = [*PAGES, *API]
