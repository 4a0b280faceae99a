"""What goes into the portal's tokens about a person: subject, dataset access, GA4GH visas."""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import quote, urlparse

from django.conf import settings
from django.urls import reverse

from governance.agreements.selectors import usable_grants_for
from governance.tokens import keys
from governance.tokens.models import Subject

VISA_TYPE = "vnd.ga4gh.visa+jwt"


def subject_of(person) -> str:
    """The person's opaque subject identifier (made on first use)."""
    cached = getattr(person, "_token_sub", None)
    if cached is None:
        cached = Subject.objects.get_or_create(person=person)[0].sub
        person._token_sub = cached
    return str(cached)


def entitlement(dataset) -> str:
    """One eduPerson entitlement URN per dataset (REFEDS/AARC style, namespaced by the issuer)."""
    host = urlparse(settings.PORTAL_BASE_URL).hostname
    return f"urn:geant:{host}:res:dataset:{quote(dataset.persistent_url, safe='')}#{host}"


def dataset_access(person, service) -> tuple[list[dict], list[str], list[tuple[int, int]]]:
    """authorization_details, eduperson_entitlement and (grant, dataset) pairs for a token.

    Only usable grants whose access condition the audience service serves; one entry per
    dataset, naming the grant that ends first when several grants cover it.
    """
    grants = usable_grants_for(person, access_conditions=service.access_conditions).order_by(
        "dataset_id", "ends_at", "pk"
    )
    entries: dict[int, dict[str, Any]] = {}
    entitlements: dict[int, str] = {}
    carried: list[tuple[int, int]] = []
    for grant in grants:
        carried.append((grant.pk, grant.dataset_id))
        entry = entries.get(grant.dataset_id)
        if entry is None:
            entries[grant.dataset_id] = {
                "type": "dataset_access",
                "identifier": grant.dataset.persistent_url,
                "actions": [grant.access_condition_id],
                "grant": str(grant.pk),
                "expires": int(grant.ends_at.timestamp()),
            }
            entitlements[grant.dataset_id] = entitlement(grant.dataset)
        elif grant.access_condition_id not in entry["actions"]:
            entry["actions"] = sorted([*entry["actions"], grant.access_condition_id])
    return list(entries.values()), list(entitlements.values()), carried


def committee_url(grant) -> str:
    if grant.committee_id is None:
        return settings.PORTAL_BASE_URL + "/"
    return f"{settings.PORTAL_BASE_URL}/access/committees/{grant.committee_id}/"


def jwks_uri() -> str:
    return settings.PORTAL_BASE_URL + reverse("oauth2_provider:jwks-info")


def visas_for(person) -> list[str]:
    """One ControlledAccessGrants Visa Document Token per usable grant (GA4GH Passport v1.2)."""
    sub = subject_of(person)
    now = int(time.time())
    visas = []
    for grant in usable_grants_for(person).order_by("pk"):
        claims = {
            "iss": settings.PORTAL_BASE_URL,
            "sub": sub,
            "iat": now,
            "exp": min(now + settings.PORTAL_TOKEN_VISA_LIFETIME, int(grant.ends_at.timestamp())),
            "jti": uuid.uuid4().hex,
            "ga4gh_visa_v1": {
                "type": "ControlledAccessGrants",
                "asserted": int(grant.starts_at.timestamp()),
                "value": grant.dataset.persistent_url,
                "source": committee_url(grant),
                "by": "dac",
            },
        }
        visa, _kid = keys.sign(claims, typ=VISA_TYPE, extra_headers={"jku": jwks_uri()})
        visas.append(visa)
    return visas
