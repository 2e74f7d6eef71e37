"""Item 15: a submission file whose bytes are missing from storage answers 404 on every
download route, to everyone who may see the submission (JSON on the API), never a 500
page that reveals the storage path in a traceback to whoever watches the logs."""

import pytest

from system.security.conftest import client_for

pytestmark = pytest.mark.django_db

GONE = "This file is no longer available."


def test_every_download_route_answers_404_when_the_bytes_are_gone(world):
    side = world.a
    side.file.file.storage.delete(side.file.file.name)
    api = f"/api/v1/submissions/{side.submission.pk}"
    for viewer in (side.leader, side.mentor, world.organiser):
        client = client_for(viewer)
        for url in (f"{api}/file", f"{api}/files/{side.file.pk}"):
            response = client.get(url)
            assert (response.status_code, response.json()) == (404, {"detail": GONE}), url
        page = client.get(f"/submissions/files/{side.file.pk}/")
        assert page.status_code == 404
        assert GONE in page.content.decode()
    # The other group's file, still on disk, is untouched and still answers.
    assert (
        client_for(world.b.leader).get(f"/submissions/files/{world.b.file.pk}/").status_code == 200
    )
