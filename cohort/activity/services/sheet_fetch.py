"""Fetching a group's sheet from the address an organiser typed, without letting that address
reach inside our network: http(s) only; every address the host name resolves to must be
public (unless SHEET_ALLOW_PRIVATE_ADDRESSES); each redirect is checked the same way; and
the connection goes to the very address that was checked, so a DNS answer that changes
between the check and the connect (rebinding) cannot win."""

import ipaddress
import socket
import time
from urllib.parse import urljoin

import certifi
import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError, NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util import parse_url

MAX_SHEET_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64).
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class SheetUnavailable(Exception):
    """The sheet could not be fetched: a refused address, a timeout, an error status, too
    large. The message names the problem and never quotes what the sheet answered."""


def address_refusal(ip: IPAddress) -> str | None:
    """Why `ip` is not a public address (loopback, private, link-local...), or None. An IPv6
    address that embeds an IPv4 one (mapped, NAT64, 6to4) is judged by that one too."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and (why := address_refusal(embedded)):
            return why
    for why, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("not global", not ip.is_global),  # shared (carrier-grade NAT), documentation...
    ):
        if flag:
            return why
    return None


def _resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to. Raises SheetUnavailable."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise SheetUnavailable("the sheet's host name does not resolve") from None
    # A scoped IPv6 address (fe80::1%eth0) loses its scope: the rule is the same.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _checked_address(host: str, port: int) -> IPAddress:
    """The address to connect to, once every address of `host` passed the rule."""
    addresses = _resolve(host, port)
    if not addresses:
        raise SheetUnavailable("the sheet's host name does not resolve")
    if not settings.SHEET_ALLOW_PRIVATE_ADDRESSES:
        for ip in addresses:
            if why := address_refusal(ip):
                raise SheetUnavailable(
                    f"the sheet's address is {why}; only public addresses are fetched "
                    "(SHEET_ALLOW_PRIVATE_ADDRESSES)"
                )
    return addresses[0]


def _open(url: str, timeout: float) -> urllib3.BaseHTTPResponse:
    """GET `url` from the checked address of its host, redirects not followed."""
    parts = parse_url(url)
    if parts.scheme not in ("http", "https") or not parts.host or parts.netloc is None:
        raise SheetUnavailable("the sheet's address must be an http or https URL with a host")
    host = parts.host.strip("[]")  # an IPv6 literal comes bracketed
    port = parts.port or (443 if parts.scheme == "https" else 80)
    ip = str(_checked_address(host, port))
    limit = urllib3.Timeout(connect=timeout, read=timeout)
    pool: urllib3.HTTPConnectionPool
    if parts.scheme == "https":
        # TLS still names and verifies the host, while the socket goes to `ip`.
        pool = urllib3.HTTPSConnectionPool(
            ip,
            port,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            timeout=limit,
            retries=False,
        )
    else:
        pool = urllib3.HTTPConnectionPool(ip, port, timeout=limit, retries=False)
    headers = {"Host": parts.netloc, "Accept": "text/csv, application/json;q=0.9"}
    return pool.urlopen(
        "GET",
        parts.request_uri,
        headers=headers,
        redirect=False,
        preload_content=False,
        assert_same_host=False,
    )


def _follow(url: str, timeout: float) -> urllib3.BaseHTTPResponse:
    """The final answer after at most MAX_REDIRECTS redirects, each hop checked afresh."""
    for _hop in range(MAX_REDIRECTS + 1):
        response = _open(url, timeout)
        location = response.headers.get("Location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response
        response.release_conn()
        url = urljoin(url, location)
    raise SheetUnavailable(f"too many redirects (more than {MAX_REDIRECTS})")


def sheet_fetch(url: str) -> tuple[bytes, str]:
    """The answer's body and content type, read within SHEET_TIMEOUT_SECONDS in all.
    Raises SheetUnavailable."""
    limit = settings.SHEET_TIMEOUT_SECONDS
    deadline = time.monotonic() + limit
    try:
        response = _follow(url, limit)
        try:
            if response.status >= 400:
                raise SheetUnavailable(f"the sheet answered HTTP {response.status}")
            body = bytearray()
            # read1 returns what has arrived, so a server that trickles bytes still meets
            # the deadline (read(amt) would wait for each whole chunk).
            while chunk := response.read1(64 * 1024, decode_content=True):
                body += chunk
                if len(body) > MAX_SHEET_BYTES:
                    raise SheetUnavailable(f"the answer is over {MAX_SHEET_BYTES // 2**20} MB")
                if time.monotonic() > deadline:
                    raise Urllib3Timeout
            return bytes(body), response.headers.get("Content-Type", "")
        finally:
            response.release_conn()
    except NewConnectionError:  # a subclass of the timeout, for urllib3's history
        raise SheetUnavailable("could not reach the sheet (the connection was refused)") from None
    except Urllib3Timeout:
        raise SheetUnavailable(f"no complete answer within {limit} s") from None
    except HTTPError as exc:
        raise SheetUnavailable(f"could not reach the sheet ({type(exc).__name__})") from None
