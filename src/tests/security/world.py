"""The world the authorisation matrix runs in: one user per role and, for each app, objects that
belong to producer A (commune A) and to the world's council, so every route has something that
could leak.

`build_world()` makes the users and the shared objects, then calls `build(world)` of every module
in `tests/security/worlds/` (one per app, in the order of WORLD_BUILDERS), which add their objects
to `world.objects` under names the route entries use.

Files: builders store uploads as usual (`store_upload`, factories). test_matrix.py builds the
world under the module's own MEDIA_ROOT and points every test's MEDIA_ROOT back at it, so a
route that streams a stored file finds it; builders need no workaround of their own.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.test import Client

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.services.tokens import issue_api_token
from tests.factories.accounts import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.geo import CommuneFactory
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory

from . import matrix as m

# Apps whose builders run, in this order (later ones may use what earlier ones made).
WORLD_BUILDERS = (
    "geo",
    "accounts",
    "producers",
    "products",
    "criteria",
    "evaluation",
    "certificates",
    "traceability",
    "catalog",
    "trade",
    "reports",
    "core",
)


@dataclass
class World:
    users: dict[str, Any]  # role -> user (None for the anonymous visitor)
    commune_a: Any
    commune_b: Any
    producer_a: Any  # Producer records
    producer_b: Any
    product_a: Any
    product_b: Any
    council_org: Any  # the organisation of kind COUNCIL that member_in and chair belong to
    objects: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # role -> raw API token
    clients: dict[str, Client] = field(default_factory=dict)  # role -> signed-in UI client
    # The MEDIA_ROOT the world's files were stored in (the module's own folder); every test of
    # the matrix points MEDIA_ROOT back at it (`_world_media` in test_matrix.py).
    media_root: Path | None = None

    def __getattr__(self, name: str) -> Any:
        # world.dossier reads world.objects["dossier"] (entries stay short)
        objects = self.__dict__.get("objects", {})
        if name in objects:
            return objects[name]
        raise AttributeError(name)

    def user(self, role: str) -> Any:
        return self.users[role]


def _member(role: str, org: Any, username: str) -> Any:
    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=org, role=role)
    return user


def build_world() -> World:
    commune_a = CommuneFactory(name="Xã Bát Tràng")
    commune_b = CommuneFactory(name="Phường Hoàn Kiếm")
    office_org = OrganisationFactory(kind=OrganisationKind.PROVINCE_OFFICE, name="Văn phòng OCOP")
    ubnd_a = OrganisationFactory(
        kind=OrganisationKind.COMMUNE_COMMITTEE, name="UBND xã A", unit=commune_a
    )
    ubnd_b = OrganisationFactory(
        kind=OrganisationKind.COMMUNE_COMMITTEE, name="UBND phường B", unit=commune_b
    )
    council_org = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Hội đồng thành phố")
    other_council_org = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Hội đồng khác")
    committee = OrganisationFactory(kind=OrganisationKind.PROVINCE_COMMITTEE, name="UBND thành phố")
    buyers = OrganisationFactory(kind=OrganisationKind.BUYER, name="Siêu thị Sen")
    producer_a = ProducerFactory(commune=commune_a, name="HTX Gốm Bát Tràng")
    producer_b = ProducerFactory(commune=commune_b, name="Công ty Trà Sen")
    users = {
        m.ANONYMOUS: None,
        m.PRODUCER_A: _member(Role.PRODUCER_OWNER, producer_a.organisation, "m_producer_a"),
        m.PRODUCER_B: _member(Role.PRODUCER_OWNER, producer_b.organisation, "m_producer_b"),
        m.BUYER: _member(Role.BUYER, buyers, "m_buyer"),
        m.COMMUNE_A: _member(Role.COMMUNE_OFFICER, ubnd_a, "m_commune_a"),
        m.COMMUNE_B: _member(Role.COMMUNE_OFFICER, ubnd_b, "m_commune_b"),
        m.MEMBER_IN: _member(Role.COUNCIL_MEMBER, council_org, "m_member_in"),
        m.MEMBER_OUT: _member(Role.COUNCIL_MEMBER, other_council_org, "m_member_out"),
        m.CHAIR: _member(Role.COUNCIL_CHAIR, council_org, "m_chair"),
        m.OFFICE: _member(Role.PROVINCE_OFFICER, office_org, "m_office"),
        m.APPROVER: _member(Role.APPROVER, committee, "m_approver"),
        m.ADMIN: UserFactory(username="m_admin", is_superuser=True, is_staff=True),
    }
    world = World(
        users=users,
        commune_a=commune_a,
        commune_b=commune_b,
        producer_a=producer_a,
        producer_b=producer_b,
        product_a=ProductFactory(producer=producer_a, name="Bình gốm men lam"),
        product_b=ProductFactory(producer=producer_b, name="Trà sen Tây Hồ"),
        council_org=council_org,
    )
    world.objects["organisations"] = {
        "office": office_org,
        "ubnd_a": ubnd_a,
        "ubnd_b": ubnd_b,
        "other_council": other_council_org,
        "committee": committee,
        "buyers": buyers,
    }
    for app in WORLD_BUILDERS:
        module = importlib.import_module(f"tests.security.worlds.{app}")
        module.build(world)
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
            _, world.tokens[role] = issue_api_token(user=user, name="matrix")
        world.clients[role] = client
    return world
