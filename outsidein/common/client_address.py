"""The address of the machine a request came from, believing a reverse proxy only when it is one
we were told to trust (OUTSIDEIN_TRUSTED_PROXIES; decision 0013).

Behind nginx every request reaches the application from the proxy's own address; the person's
address is in the X-Forwarded-For header the proxy appends to. Anyone can send that header too,
so it is read only when the request's peer (REMOTE_ADDR) is a configured proxy, and then only
as far back as the hops are proxies we trust: the first untrusted hop from the right is the
client. The sign-in lockout (django-axes, AXES_CLIENT_IP_CALLABLE) and any rate limit count per
this address; TrustedProxyMiddleware puts it in REMOTE_ADDR so everything else sees it too.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# The headers a proxy sets; from anyone but a trusted proxy they are dropped unread.
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                      "HTTP_X_FORWARDED_PORT", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def client_address(request: HttpRequest) -> str:
    """The real client address of `request` (the same one the sign-in lockout counts)."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(peer):
        return peer
    address = peer
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        parsed = _parse(hop.strip())
        if parsed is None:
            # We cannot see past a value we cannot read: the last hop we could read is the client.
            break
        address = str(parsed)
        if not _trusted(parsed):
            break
    return address


def is_trusted_proxy(address: str) -> bool:
    """Whether `address` is one of the configured reverse proxies."""
    parsed = _parse(address)
    return parsed is not None and _trusted(parsed)


def _trusted(address: IPAddress) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(value: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:192.0.2.1) is the IPv4 address.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address
