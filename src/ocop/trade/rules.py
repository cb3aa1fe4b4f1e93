"""Who does what on the supply–demand board (kết nối cung cầu). One condition per line.

- **Officials** read the board: the administrator and the provincial OCOP office everything; a
  commune officer the buyers and demands, and the offers and connections of the producers of
  their commune(s). Officials do not post, request or move anything on the board (read only),
  except that the office (and the administrator) approves, rejects, suspends and reinstates
  buyers.
- **Buyers** (the BUYER role in a buyer organisation): their own buyer record, demands and
  connections; once their buyer is ACTIVE they post demands, see the open offers and send
  contact requests.
- **Producers** (owner or staff of an APPROVED producer): their own offers and connections, the
  open demands of active buyers (and any demand they are connected to).
"""

from __future__ import annotations

from ocop.accounts.enums import PRODUCER_ROLES, Role
from ocop.accounts.rules import Access


def manages_buyers(access: Access) -> bool:
    """Approves, rejects, suspends and reinstates buyers: the provincial office, the admin."""
    if access.is_admin:
        return True
    return access.is_province_officer


def sees_whole_board(access: Access) -> bool:
    """Every buyer, demand, offer and connection of the province (read only)."""
    return manages_buyers(access)


def is_trade_official(access: Access) -> bool:
    """Reads the board as an official (the whole board, or a commune officer's part of it)."""
    if sees_whole_board(access):
        return True
    return access.is_commune_officer


def buyer_organisations(access: Access) -> frozenset[int]:
    """The buyer organisations the user acts for (the BUYER role)."""
    return access.organisations_with(Role.BUYER)


def producer_organisations(access: Access) -> frozenset[int]:
    """The producer organisations the user acts for (owner or staff)."""
    return access.organisations_with(*PRODUCER_ROLES)


def uses_board(access: Access) -> bool:
    """Whether the board (/ket-noi/) is for this user at all."""
    if is_trade_official(access):
        return True
    if buyer_organisations(access):
        return True
    return bool(producer_organisations(access))
