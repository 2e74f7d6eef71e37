"""MAP_TILE_URL's origin goes into the CSP's img-src (config.env.url_origin): only the tile
server's host, with `{s}` subdomains as a wildcard; nothing when the URL is empty."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8081"),
        ("", None),
    ],
)
def test_the_tile_servers_origin(url, origin):
    assert env.url_origin("MAP_TILE_URL", url) == origin


@pytest.mark.parametrize("url", ["tiles/{z}/{x}/{y}.png", "javascript:alert(1)", "ftp://x.org/"])
def test_a_url_that_is_not_http_fails_loudly(url):
    with pytest.raises(ImproperlyConfigured, match="MAP_TILE_URL"):
        env.url_origin("MAP_TILE_URL", url)
