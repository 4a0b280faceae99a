"""The API's router: one place that says what an id in a path looks like."""

from rest_framework.routers import DefaultRouter


class PortalRouter(DefaultRouter):
    """Every resource is looked up by its numeric id, so a path id that is not a number matches
    no route and is a 404, like an unknown one, before any view turns it into an int."""

    def __init__(self) -> None:
        super().__init__()
        # Paths work with and without the trailing slash (the SPEC writes `{id}/fhir`,
        # `{id}/submit/`); the constructor takes only True/False, the pattern takes a regex.
        self.trailing_slash = "/?"
        self._default_value_pattern = "[0-9]+"
