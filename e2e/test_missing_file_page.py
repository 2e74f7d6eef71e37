"""A submission file whose bytes are gone from storage: the download link answers the
site's 404 page with a sentence saying so (not a 500), at phone and desktop width."""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from cohort.accounts.tests.factories import GROUP_PASSWORD, MemberFactory
from cohort.competition.tests.factories import SeasonFactory
from cohort.reviews.models import SubmissionFile
from cohort.reviews.tests.factories import AssignmentFactory, SubmissionFactory, episode_of

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_missing_file_shows_the_404_page(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    member = MemberFactory()
    work = AssignmentFactory(episode=episode_of(SeasonFactory(), 1))
    stored = SubmissionFile(
        submission=SubmissionFactory(user=member, assignment=work),
        original_name="essay.pdf",
        size=10,
        content_type="application/pdf",
    )
    stored.file.save("essay.pdf", ContentFile(b"%PDF-1.4 x"), save=False)
    stored.save()
    stored.file.storage.delete(stored.file.name)
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Email").fill(member.email)
        page.get_by_label("Password").fill(GROUP_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        response = page.goto(f"{live_server.url}/submissions/files/{stored.pk}/")
        assert response.status == 404
        expect(page.locator("main h1")).to_have_text("Not found")
        expect(page.get_by_text("This file is no longer available.")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / f"missing-file-{width}.png"), full_page=True)
        context.close()
