"""The CSP middleware's policy built once: the same header django-csp builds per response."""

from csp.constants import HEADER
from csp.utils import build_policy
from django.test import override_settings


def test_a_response_without_a_nonce_gets_the_settings_policy(client):
    response = client.get("/health/live/")

    assert response[HEADER] == build_policy()


def test_a_changed_policy_is_served_at_once(client):
    client.get("/health/live/")  # builds and keeps the default policy
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}

    with override_settings(CONTENT_SECURITY_POLICY=policy):
        response = client.get("/health/live/")

    assert response[HEADER] == "default-src 'none'"
