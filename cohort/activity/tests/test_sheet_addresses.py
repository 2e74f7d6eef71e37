"""Item 14: the sheet sync fetches public addresses only (unless
SHEET_ALLOW_PRIVATE_ADDRESSES), checks every address a name resolves to and every redirect,
connects to the address it checked, and never echoes what it fetched."""

import ipaddress

import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.models import SheetSource
from cohort.activity.services import sheet_fetch
from cohort.activity.services.sheets import SheetUnavailable, sheet_sync
from cohort.activity.tests.sheet_server import Answer, SheetServer
from cohort.journeys.tests.factories import path_create

PUBLIC = ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111"]
REFUSED = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",  # the cloud metadata service
    "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
    "100.64.0.1",  # carrier-grade NAT
    "224.0.0.1",
    "255.255.255.255",
    "240.0.0.1",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
]


@pytest.mark.parametrize("address", PUBLIC)
def test_a_public_address_is_allowed(address):
    assert sheet_fetch.address_refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("address", REFUSED)
def test_a_private_loopback_or_special_address_is_refused(address):
    assert sheet_fetch.address_refusal(ipaddress.ip_address(address))


@pytest.fixture(scope="module")
def server():
    sheet_server = SheetServer()
    yield sheet_server
    sheet_server.close()


@pytest.fixture
def group(db):
    path_create()
    group = GroupFactory(name="Pilgrims")
    MemberFactory(group=group, email="pilgrim@example.com", time_zone="America/Chicago")
    return group


def _sheet(server, group, path: str, answer: Answer) -> SheetSource:
    server.answers[path] = answer
    return SheetSource.objects.create(group=group, url=server.url(path))


def _source(group, url: str) -> SheetSource:
    return SheetSource.objects.create(group=group, url=url)


@pytest.fixture
def public_loopback(monkeypatch):
    """127.0.0.1 (the stand-in sheet server) counts as public; every other address keeps
    the real rule, so redirects from it can be tested."""
    real = sheet_fetch.address_refusal
    monkeypatch.setattr(
        sheet_fetch,
        "address_refusal",
        lambda ip: None if str(ip) == "127.0.0.1" else real(ip),
    )


def test_a_sheet_on_the_loopback_is_refused_before_any_request(server, group):
    before = server.requests
    source = _sheet(server, group, "/inside", Answer(b"secret,1\n"))
    with pytest.raises(SheetUnavailable, match="loopback"):
        sheet_sync(source)
    assert server.requests == before
    source.refresh_from_db()
    assert source.last_result.startswith("failed: ") and "secret" not in source.last_result


@pytest.mark.parametrize(
    "url",
    ["http://localhost/sheet.csv", "http://[::1]/x", "http://169.254.169.254/latest/meta-data/"],
)
def test_a_name_or_literal_that_is_not_public_is_refused(group, url):
    source = _source(group, url)
    with pytest.raises(SheetUnavailable, match="only public addresses"):
        sheet_sync(source)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x.csv", "http:///x"])
def test_only_http_and_https_urls_with_a_host_are_fetched(group, url):
    with pytest.raises(SheetUnavailable, match="http"):
        sheet_sync(_source(group, url))


def test_a_name_with_one_private_address_among_public_ones_is_refused(group, monkeypatch):
    addresses = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.1.2.3")]
    monkeypatch.setattr(sheet_fetch, "_resolve", lambda host, port: addresses)
    with pytest.raises(SheetUnavailable, match="private"):
        sheet_sync(_source(group, "http://sheet.example/x.csv"))


@pytest.mark.parametrize(
    "target", ["http://10.0.0.7/admin", "http://169.254.169.254/latest/", "http://[::1]:1/"]
)
def test_a_redirect_to_a_private_address_is_refused(
    server,
    group,
    public_loopback,
    target,
):
    source = _sheet(server, group, "/moved", Answer(b"", status=302, location=target))
    with pytest.raises(SheetUnavailable, match="only public addresses"):
        sheet_sync(source)


def test_redirects_are_followed_to_a_public_address_and_capped(server, group, public_loopback):
    email = "pilgrim@example.com"
    server.answers["/final"] = Answer(f"{email},1200\n".encode())
    source = _sheet(server, group, "/hop", Answer(b"", status=301, location="/final"))
    assert sheet_sync(source).created == 1
    server.answers["/loop"] = Answer(b"", status=302, location="/loop")
    source.url = server.url("/loop")
    with pytest.raises(SheetUnavailable, match="too many redirects"):
        sheet_sync(source)


def test_the_connection_goes_to_the_address_that_was_checked(
    server,
    group,
    public_loopback,
    monkeypatch,
):
    """sheet.test resolves to 127.0.0.1 once, then (a DNS rebinding) to 10.0.0.1: the fetch
    connects to the address it checked and sends the name as the Host header."""
    answers = iter([[ipaddress.ip_address("127.0.0.1")], [ipaddress.ip_address("10.0.0.1")]])
    monkeypatch.setattr(sheet_fetch, "_resolve", lambda host, port: next(answers))
    email = "pilgrim@example.com"
    server.answers["/named"] = Answer(f"{email},900\n".encode())
    port = server.server.server_port
    source = _source(group, f"http://sheet.test:{port}/named")
    assert sheet_sync(source).created == 1
    assert server.hosts[-1] == f"sheet.test:{port}"


def test_fetched_content_is_never_echoed_in_the_recorded_outcome(server, group, settings):
    settings.SHEET_ALLOW_PRIVATE_ADDRESSES = True
    body = b"redis_version:7.2.4-INTERNAL,42\nrole:master-INTERNAL,43\n"
    source = _sheet(server, group, "/internal", Answer(body))
    result = sheet_sync(source)
    assert result.errors and not result.written
    source.refresh_from_db()
    assert "INTERNAL" not in source.last_result and "redis" not in source.last_result
    assert source.last_result.startswith("2 bad row(s), nothing written; first at row 1")
