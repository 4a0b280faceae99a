"""The API's one permission class asks the rules that each viewset names per action."""

from __future__ import annotations

import pytest
import rules
from django.core.exceptions import ImproperlyConfigured
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from governance.api.permissions import ANYONE, SIGNED_IN, RulesPermission, allowed_actions
from governance.api.urls import router
from governance.core.permissions import explain
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

rules.add_perm("tests.create_thing", rules.predicates.is_superuser)
rules.add_perm("tests.change_thing", rules.predicate(lambda user, thing: thing["owner"] == user.pk))


class ThingViewSet(viewsets.ViewSet):
    action_rules = {
        "list": ANYONE,
        "create": "tests.create_thing",
        "retrieve": SIGNED_IN,
        "partial_update": "tests.change_thing",
    }

    def get_object(self):
        thing = {"owner": int(self.kwargs["pk"])}
        self.check_object_permissions(self.request, thing)
        return thing

    def list(self, request):
        return Response([])

    def create(self, request):
        return Response({"read": request.data}, status=201)

    def retrieve(self, request, pk):
        return Response(self.get_object())

    def partial_update(self, request, pk):
        return Response(self.get_object())

    def destroy(self, request, pk):  # no rule named: a configuration error
        return Response(status=204)


_LIST = ThingViewSet.as_view({"get": "list", "post": "create"})
_DETAIL = ThingViewSet.as_view(
    {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}, detail=True
)


class Client:
    """Calls the viewset directly (no URLconf), as a person or as a visitor."""

    def __init__(self) -> None:
        self.factory = APIRequestFactory()
        self.person = None

    def force_authenticate(self, person) -> None:
        self.person = person

    def _call(self, method: str, url: str, *args, **kwargs):
        request = getattr(self.factory, method)(url, *args, **kwargs)
        if self.person is not None:
            force_authenticate(request, self.person)
        pk = url.strip("/").split("/")[1:]
        if pk:
            return _DETAIL(request, pk=pk[0])
        return _LIST(request)

    def get(self, url, **kwargs):
        return self._call("get", url, **kwargs)

    def post(self, url, *args, **kwargs):
        return self._call("post", url, *args, **kwargs)

    def patch(self, url, *args, **kwargs):
        return self._call("patch", url, *args, **kwargs)

    def delete(self, url, **kwargs):
        return self._call("delete", url, **kwargs)


@pytest.fixture
def client():
    return Client()


def test_anyone_may_list(client):
    assert client.get("/things/").status_code == 200


def test_a_visitor_is_asked_to_sign_in_for_a_rule(client):
    assert client.post("/things/", {}, format="json").status_code == 401
    assert client.get("/things/1/").status_code == 401


def test_the_rule_is_asked_before_the_body_is_read(client):
    client.force_authenticate(UserFactory())
    response = client.post("/things/", "not json", content_type="application/json")
    assert response.status_code == 403


def test_the_rule_admits_whom_it_names(client):
    client.force_authenticate(UserFactory(is_superuser=True))
    assert client.post("/things/", {"a": 1}, format="json").status_code == 201


def test_the_object_rule_is_asked_with_the_object(client):
    person = UserFactory()
    client.force_authenticate(person)
    assert client.patch(f"/things/{person.pk}/", {}, format="json").status_code == 200
    assert client.patch(f"/things/{person.pk + 1}/", {}, format="json").status_code == 403


def test_an_action_without_a_rule_is_a_configuration_error(client):
    client.force_authenticate(UserFactory())
    with pytest.raises(ImproperlyConfigured, match="'destroy'"):
        client.delete("/things/1/")


def test_allowed_actions_lists_what_the_person_may_do():
    person = UserFactory()
    actions = allowed_actions(person, {"owner": person.pk}, ThingViewSet.action_rules)
    assert actions == ["list", "retrieve", "partial_update"]
    assert allowed_actions(person, {"owner": 0}, ThingViewSet.action_rules) == ["list", "retrieve"]


def _actions(viewset) -> set[str]:
    names = {"list", "create", "retrieve", "update", "partial_update", "destroy"}
    offered = {name for name in names if hasattr(viewset, name)}
    return offered | {extra.__name__ for extra in viewset.get_extra_actions()}


def test_every_viewset_of_the_router_names_a_rule_for_each_action():
    missing = {}
    for _prefix, viewset, _basename in router.registry:
        declared = getattr(viewset, "action_rules", None)
        assert declared is not None, f"{viewset.__name__} declares no action_rules"
        assert list(viewset.permission_classes) == [RulesPermission], viewset
        for extra in viewset.get_extra_actions():
            overridden = extra.kwargs.get("permission_classes")
            assert overridden in (None, [RulesPermission]), (viewset, extra.__name__)
        if gap := _actions(viewset) - set(declared):
            missing[viewset.__name__] = sorted(gap)
    assert not missing


class Undeclared(viewsets.ViewSet):
    def list(self, request):
        return Response([])


def test_a_viewset_without_rules_is_a_configuration_error():
    request = APIRequestFactory().get("/undeclared/")
    force_authenticate(request, UserFactory())
    with pytest.raises(ImproperlyConfigured, match="declares no action_rules"):
        Undeclared.as_view({"get": "list"})(request)


rules.add_perm(
    "tests.comment_thing", rules.predicate(lambda user, thing: thing["owner"] == user.pk)
)
explain("tests.comment_thing", "Only the thing's owner comments on it.")


class CommentedViewSet(viewsets.ViewSet):
    action_rules = {"comments": {"get": ANYONE, "post": "tests.comment_thing"}}

    def get_object(self):
        thing = {"owner": int(self.kwargs["pk"])}
        self.check_object_permissions(self.request, thing)
        return thing

    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk):
        return Response(self.get_object())


def test_an_action_of_several_methods_names_a_rule_per_method():
    view = CommentedViewSet.as_view({"get": "comments", "post": "comments"}, detail=True)
    person = UserFactory()
    read = APIRequestFactory().get("/things/0/comments/")
    assert view(read, pk=0).status_code == 200  # anyone reads
    write = APIRequestFactory().post("/things/0/comments/")
    force_authenticate(write, person)
    refused = view(write, pk=0)
    assert refused.status_code == 403
    # The refusal says the rule's reason, not a generic "you may not".
    assert refused.data["detail"] == "Only the thing's owner comments on it."
    own = APIRequestFactory().post(f"/things/{person.pk}/comments/")
    force_authenticate(own, person)
    assert view(own, pk=person.pk).status_code == 200
