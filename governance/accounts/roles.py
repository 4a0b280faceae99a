"""The roles of SPEC section 2. A role is a membership of a person in an organisation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    EVALUATOR = "evaluator", _("Evaluator")
    CALL_CHAIR = "call_chair", _("Call chair")
    DATA_HOLDER = "data_holder", _("Data holder")
    COMMITTEE_MEMBER = "committee_member", _("Access committee member")
    COMMITTEE_CHAIR = "committee_chair", _("Access committee chair")
    RESEARCHER = "researcher", _("Researcher")
    PATIENT_ORG_REP = "patient_org_rep", _("Patient-organisation representative")
    STAFF = "staff", _("Staff")


# Roles whose holders must sign in with a second factor (TOTP) before doing anything else.
MFA_REQUIRED_ROLES = frozenset(
    {Role.STAFF, Role.CALL_CHAIR, Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR}
)


class ProviderType(models.TextChoices):
    RESEARCH_INFRASTRUCTURE = "research_infrastructure", _("Research infrastructure")
    CLINICAL_CENTRE = "clinical_centre", _("Clinical centre")
    RESEARCH_REPOSITORY = "research_repository", _("Research repository")
    UNIVERSITY = "university", _("University or research institute")
    AI_DEVELOPER = "ai_developer", _("AI developer (SME, start-up)")
    INDUSTRY = "industry", _("Industry")
    PATIENT_ORGANISATION = "patient_organisation", _("Patient organisation")
    PUBLIC_AUTHORITY = "public_authority", _("Public authority")
    OTHER = "other", _("Other")
