"""Which addresses a pasted link may reach."""

from __future__ import annotations

import pytest

from bot.coverage.fetch import address_allowed


@pytest.mark.parametrize(
    ("address", "allowed", "allowed_with_private"),
    [
        ("93.184.216.34", True, True),
        ("2606:2800:220:1:248:1893:25c8:1946", True, True),
        ("127.0.0.1", False, True),
        ("::1", False, True),
        ("10.0.0.8", False, True),
        ("192.168.1.1", False, True),
        ("172.16.5.4", False, True),
        ("169.254.169.254", False, True),
        ("fe80::1", False, True),
        ("fc00::1", False, True),
        ("100.64.0.1", False, True),
        ("::ffff:127.0.0.1", False, True),
        ("0.0.0.0", False, False),
        ("224.0.0.1", False, False),
    ],
)
def test_address_allowed_public_only_unless_private_allowed(
    address: str, allowed: bool, allowed_with_private: bool
) -> None:
    assert address_allowed(address, False) is allowed, f"{address}: expected allowed={allowed}"
    assert address_allowed(address, True) is allowed_with_private, (
        f"{address}: expected allowed={allowed_with_private} with private addresses allowed"
    )
