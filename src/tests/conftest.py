"""The cast every test can use: one user per role, two communes, two unrelated producers.

`cast.producer1` (commune A) and `cast.producer2` (commune B) each own a producer with a product,
so every permission test has data that could leak.

`qd26`, `qd1048` and `both` import the real bundled criteria files once per test module, inside
a transaction that is rolled back when the module ends: each test runs in a savepoint within it,
so tests cannot see one another's changes and nothing leaks into other modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from ocop.accounts.enums import OrganisationKind, Role
from ocop.criteria.services.importer import ImportResult, import_criteria
from ocop.criteria.services.reading import QD26_FILE, QD1048_FILE
from tests.factories.accounts import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.geo import CommuneFactory
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory

PASSWORD = "ocop-test-pass"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Fast hashing, a private media folder and an empty cache (the sign-in throttle counts there)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.LANGUAGE_CODE = "vi"
    # Public pages are served from the cache after the first visit and invalidated after the
    # commit; tests write inside a transaction that never commits, so they read fresh pages
    # (tests/core/test_pagecache.py switches it on and checks the invalidation).
    settings.PAGE_CACHE = False
    cache.clear()
    yield
    cache.clear()


@dataclass
class Cast:
    commune_a: Any
    commune_b: Any
    admin: Any
    office: Any
    commune: Any
    commune2: Any
    chair: Any
    member: Any
    approver: Any
    producer1: Any
    producer1_staff: Any
    producer2: Any
    buyer: Any
    outsider: Any
    prod1: Any  # producer record of producer1
    prod2: Any
    product1: Any
    product2: Any


def _member(role: str, org) -> Any:
    return MembershipFactory(role=role, organisation=org).user


@pytest.fixture
def cast(db) -> Cast:
    commune_a = CommuneFactory(name="Xã Bát Tràng")
    commune_b = CommuneFactory(name="Phường Hoàn Kiếm")
    office_org = OrganisationFactory(kind=OrganisationKind.PROVINCE_OFFICE, name="Văn phòng OCOP")
    ubnd_a = OrganisationFactory(
        kind=OrganisationKind.COMMUNE_COMMITTEE, name="UBND xã A", unit=commune_a
    )
    ubnd_b = OrganisationFactory(
        kind=OrganisationKind.COMMUNE_COMMITTEE, name="UBND xã B", unit=commune_b
    )
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Hội đồng")
    committee = OrganisationFactory(kind=OrganisationKind.PROVINCE_COMMITTEE, name="UBND tỉnh")
    buyers = OrganisationFactory(kind=OrganisationKind.BUYER, name="Siêu thị")
    prod1 = ProducerFactory(commune=commune_a, name="HTX Gốm Bát Tràng")
    prod2 = ProducerFactory(commune=commune_b, name="Công ty Trà Sen")
    admin = UserFactory(username="admin_user", is_superuser=True, is_staff=True)
    return Cast(
        commune_a=commune_a,
        commune_b=commune_b,
        admin=admin,
        office=_member(Role.PROVINCE_OFFICER, office_org),
        commune=_member(Role.COMMUNE_OFFICER, ubnd_a),
        commune2=_member(Role.COMMUNE_OFFICER, ubnd_b),
        chair=_member(Role.COUNCIL_CHAIR, council),
        member=_member(Role.COUNCIL_MEMBER, council),
        approver=_member(Role.APPROVER, committee),
        producer1=_member(Role.PRODUCER_OWNER, prod1.organisation),
        producer1_staff=_member(Role.PRODUCER_STAFF, prod1.organisation),
        producer2=_member(Role.PRODUCER_OWNER, prod2.organisation),
        buyer=_member(Role.BUYER, buyers),
        outsider=UserFactory(username="outsider"),
        prod1=prod1,
        prod2=prod2,
        product1=ProductFactory(producer=prod1, name="Bình gốm men lam"),
        product2=ProductFactory(producer=prod2, name="Trà sen Tây Hồ"),
    )


@pytest.fixture
def client_for():
    """A logged-in test client for a user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_token():
    """A real bearer token for a user, issued through the service."""
    from ocop.accounts.services.tokens import issue_api_token

    def make(user) -> dict[str, str]:
        _, raw = issue_api_token(user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


@pytest.fixture(scope="module")
def qd26(django_db_setup, django_db_blocker) -> ImportResult:
    with django_db_blocker.unblock(), transaction.atomic():
        result = import_criteria(path=QD26_FILE)
        yield result
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def qd1048(django_db_setup, django_db_blocker) -> ImportResult:
    with django_db_blocker.unblock(), transaction.atomic():
        result = import_criteria(path=QD1048_FILE)
        yield result
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def both(django_db_setup, django_db_blocker) -> tuple[ImportResult, ImportResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        results = (import_criteria(path=QD26_FILE), import_criteria(path=QD1048_FILE))
        yield results
        transaction.set_rollback(True)


def pytest_terminal_summary(terminalreporter) -> None:
    """The API fuzzing's figures (tests/security/test_api_fuzz.py), summed over the workers."""
    totals = {"fuzz_examples": 0, "fuzz_5xx": 0}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name in totals:
                    totals[name] += value
    if totals["fuzz_examples"]:
        terminalreporter.write_line(
            f"schemathesis: {totals['fuzz_examples']} examples run, {totals['fuzz_5xx']} 5xx seen"
        )
