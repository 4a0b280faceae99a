"""Who may do what in engagement; used by the pages, the API and the exports.

- Staff see every survey's results in full (free text, small groups, exports of the answers).
- Everyone else, visitors too, sees a survey's results once they are published, with small
  groups suppressed.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy

from governance.accounts import selectors as accounts
from governance.core.permissions import explain
from governance.engagement.models import Survey


@rules.predicate
def is_staff(person) -> bool:
    return accounts.is_portal_staff(person)


@rules.predicate
def results_published(person, survey) -> bool:
    return survey is not None and survey.state == Survey.State.RESULTS_PUBLISHED


@rules.predicate
def is_registrant(person, registration) -> bool:
    return registration is not None and registration.person_id == person.pk


# Whether the survey's results can be read at all (404 otherwise: they do not exist yet for them).
rules.add_perm("engagement.see_results", is_staff | results_published)
# The results without suppression, the free-text answers and the exports of every response.
rules.add_perm("engagement.see_every_answer", is_staff)
# Planning and changing events (the pages' event form and the API's create and update).
rules.add_perm("engagement.change_event", is_staff)
# Writing, opening, closing surveys, their quotas and publishing their results.
rules.add_perm("engagement.run_survey", is_staff)
# Preparing, opening, closing consultations, moderating their comments, publishing the response.
rules.add_perm("engagement.run_consultation", is_staff)
# Cancelling a registration: the registered person, or staff for them.
rules.add_perm("engagement.cancel_registration", is_registrant | is_staff)
# Writing policy documents, their versions and translations, and publishing a version.
rules.add_perm("engagement.edit_policy", is_staff)

for _rule, _message in (
    ("engagement.change_event", gettext_lazy("Only portal staff plan and change events.")),
    ("engagement.run_survey", gettext_lazy("Only portal staff prepare and run surveys.")),
    (
        "engagement.run_consultation",
        gettext_lazy("Only portal staff prepare and run consultations."),
    ),
    (
        "engagement.cancel_registration",
        gettext_lazy("Only the registered person may cancel this registration."),
    ),
    (
        "engagement.edit_policy",
        gettext_lazy("Only portal staff write and publish policy documents."),
    ),
):
    explain(_rule, _message)
