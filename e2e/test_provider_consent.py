"""The Withings, Oura and Polar fakes' consent pages in Chromium: the adapter's authorise
URL opens the provider's page, Allow sends the browser back to our callback with a code and
the state, and the adapter exchanges that code for tokens. (The sync hub's own e2e test
connects through /profile/devices/; this one proves the three fakes a browser can drive.)"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from cohort.devices.providers.oura import Oura
from cohort.devices.providers.polar import Polar
from cohort.devices.providers.withings import Withings
from cohort.devices.tests.fakes.oura import FakeOura
from cohort.devices.tests.fakes.polar import FakePolar
from cohort.devices.tests.fakes.withings import FakeWithings

CALLBACK = "http://cohort.test/profile/devices/callback/"
SHOTS = Path(os.environ.get("SHOTS_DIR", "/work/shots/providers"))


@pytest.mark.parametrize(
    ("adapter", "fake_class"),
    [(Withings, FakeWithings), (Oura, FakeOura), (Polar, FakePolar)],
    ids=["withings", "oura", "polar"],
)
def test_allow_on_the_consent_page_returns_a_code_the_adapter_exchanges(
    page, settings, adapter, fake_class
):
    with fake_class() as fake:
        for key, value in fake.settings().items():
            setattr(settings, key, value)
        settings.WITHINGS_CALLBACK_URL = ""
        provider = adapter()
        url = provider.authorise_url(redirect_uri=CALLBACK, state="state-42", code_challenge=None)
        page.route("http://cohort.test/**", lambda route: route.fulfill(body="back at Cohort"))
        page.goto(url)
        allow = page.get_by_role("button", name="Allow")
        assert allow.is_visible()
        SHOTS.mkdir(parents=True, exist_ok=True)
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 700})
            page.screenshot(path=str(SHOTS / f"consent-{provider.name}-{width}.png"))
        allow.click()
        page.wait_for_url("http://cohort.test/**")
        back = {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}
        assert back["state"] == "state-42"
        tokens = provider.exchange(code=back["code"], redirect_uri=CALLBACK, code_verifier=None)
        assert tokens.access_token in fake.access
        assert tokens.external_user_id == fake.user
