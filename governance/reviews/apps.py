from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "governance.reviews"
    label = "reviews"
    verbose_name = _("Proposal evaluation")

    def ready(self) -> None:
        # Calls does not import reviews: it asks these through `calls.evaluation`.
        from governance.calls.evaluation import Evaluation, register
        from governance.reviews import conflicts, selectors

        register(
            Evaluation(
                assigned_to=selectors.assigned_to,
                conflict_reason=conflicts.conflict_reason,
                missing_reviews=selectors.missing_reviews,
                submitted_totals=selectors.submitted_totals,
            )
        )
