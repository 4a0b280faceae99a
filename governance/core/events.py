"""Domain events that one context announces and others act on, without importing each other.

Receivers run synchronously inside the sender's transaction, so whatever they change (e.g. the
token service marking tokens inactive) commits or rolls back with the change that caused it.
Slow follow-ups (mail, webhooks, PDFs) belong in Celery tasks: a service sends its app's signal
(e.g. `email_queued`), and the app's `tasks` module, which listens, enqueues with
`delay_on_commit`. Services never import tasks (tests/core/test_layering.py).
"""

from django.dispatch import Signal

# A grant stopped being usable. Sent with `grant` (agreements.Grant) and `reason`: "expired",
# "revoked" or "basis_lost" (its agreement ended, was terminated or amended away).
grant_ended = Signal()

# A subject's consent for a dataset was withdrawn or its scope changed. Sent with `dataset_id`,
# `pseudonym` and `withdrawal` (consent.ConsentWithdrawal). Tokens that carry the dataset stop
# being active; new tokens are minted from the current state.
dataset_consent_changed = Signal()

# A committee approved datasets of an access request. Sent with `request` (access.AccessRequest)
# and `items` (the access.RequestedDataset rows just approved, all of one committee). The
# agreements context drafts the data-use agreement for them.
access_items_approved = Signal()

# An agreement came into force (countersigned). Sent with `agreement`; grants are created by the
# agreements context itself, this is for whoever else wants to know.
agreement_in_force = Signal()

# `manage.py seed_demo` created demo data. Sent with `created` (objects created, by kind), inside
# the seeding transaction; the audit context records it.
demo_seeded = Signal()
