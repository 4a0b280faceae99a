"""The reference resource server (examples/resource_server) against the running portal."""

from __future__ import annotations

import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import requests

from examples.resource_server.server import TokenVerifier, make_app
from governance.core.events import grant_ended
from tests.tokens.flows import code_flow_token

pytestmark = pytest.mark.django_db(transaction=True)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def resource_server(issuer, processing):
    def start(check_revocation: bool) -> str:
        verifier = TokenVerifier(
            issuer,
            "https://processing.example",
            processing.client_id,
            processing.secret,
            check_revocation=check_revocation,
        )
        server = make_server("127.0.0.1", 0, make_app(verifier), handler_class=QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    servers: list = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _get(url: str, token: str, **params) -> requests.Response:
    return requests.get(
        f"{url}/datasets", params=params, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def test_resource_server_accepts_a_token_and_stops_after_revocation(
    issuer, processing, researcher, in_situ_grant, resource_server
):
    strict = resource_server(check_revocation=True)
    offline = resource_server(check_revocation=False)
    token = code_flow_token(issuer, processing, researcher, "datasets")["access_token"]
    dataset = in_situ_grant.dataset.persistent_url

    answer = _get(strict, token, dataset=dataset)
    assert answer.status_code == 200
    assert answer.json()["datasets"] == {dataset: ["in_situ_processing"]}
    assert _get(strict, token, dataset="https://elsewhere.example/x").status_code == 403

    grant_ended.send(sender=None, grant=in_situ_grant, reason="revoked")
    assert _get(strict, token).status_code == 401
    # Offline verification alone trusts the signature until the token expires (minutes).
    assert _get(offline, token).status_code == 200


def test_resource_server_refuses_forged_and_missing_tokens(issuer, resource_server):
    url = resource_server(check_revocation=False)
    assert requests.get(f"{url}/datasets", timeout=10).status_code == 401
    forged = "eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0."
    assert _get(url, forged).status_code == 401
