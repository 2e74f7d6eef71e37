"""LOGIN_FAILURES_PER_EMAIL is "5/15m": five wrong passwords lock the email, not the site."""

import re

import pytest
from playwright.sync_api import expect

from cohort.accounts.tests.factories import GROUP_PASSWORD, GroupFactory, MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _try(page, base, email, password):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_five_wrong_passwords_lock_the_email_even_for_the_right_one(live_server, page):
    group = GroupFactory()
    MemberFactory(email="locked@example.com", group=group)
    MemberFactory(email="neighbour@example.com", display_name="Nina Neighbour", group=group)
    base = live_server.url
    for _ in range(5):
        _try(page, base, "locked@example.com", "wrong-password-again")
        expect(page.get_by_role("alert").get_by_role("listitem")).to_have_text(
            "That email and password do not match."
        )

    # The sixth attempt, even with the right password and other capitals, is refused.
    _try(page, base, "Locked@Example.com", GROUP_PASSWORD)
    # django-ratelimit's windows are fixed, so the wait left is at most the 15 minutes.
    expect(page.get_by_role("alert").get_by_role("listitem")).to_have_text(
        re.compile(r"^Too many failed sign-ins\. Try again in about ([1-9]|1[0-5]) minutes?\.$")
    )
    assert page.url.startswith(f"{base}/login/")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # Someone else from the same address still signs in.
    _try(page, base, "neighbour@example.com", GROUP_PASSWORD)
    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("heading", name="Hello, Nina Neighbour")).to_be_visible()
