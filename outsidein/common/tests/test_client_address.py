"""Behind a reverse proxy: the real client address, believed only from configured proxies."""

import pytest
from django.test import RequestFactory

from outsidein.common.client_address import client_address

PROXY = "127.0.0.1"


def _address(remote_addr: str, forwarded_for: str | None = None) -> str:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers))


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    assert _address("198.51.100.7", "203.0.113.5") == "198.51.100.7"


@pytest.mark.parametrize(("remote_addr", "forwarded_for", "expected"), [
    # nginx appended the address it saw: that is the client.
    (PROXY, "203.0.113.5", "203.0.113.5"),
    # What the client wrote itself is to the left of what the proxy appended, and is not believed.
    (PROXY, "10.9.9.9, 203.0.113.5", "203.0.113.5"),
    # A second trusted proxy in the chain (a network) is walked past.
    (PROXY, "203.0.113.5, 192.168.4.20", "203.0.113.5"),
    # Not from a trusted proxy: the header is ignored.
    ("198.51.100.7", "203.0.113.5", "198.51.100.7"),
    # A trusted proxy that forwarded nothing readable is the client itself.
    (PROXY, None, PROXY),
    (PROXY, "not-an-address", PROXY),
    ("::1", "2001:db8::5", "2001:db8::5"),
    (PROXY, "::ffff:203.0.113.5", "203.0.113.5"),
])
def test_the_client_is_the_first_untrusted_hop_from_the_right(settings, remote_addr, forwarded_for,
                                                               expected):
    settings.TRUSTED_PROXIES = [PROXY, "::1", "192.168.4.0/24"]
    assert _address(remote_addr, forwarded_for) == expected
