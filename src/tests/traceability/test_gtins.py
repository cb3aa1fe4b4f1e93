"""Platform GTINs for producers without a GS1 company prefix: the next number of the
restricted-circulation range, a valid check digit, written through the products service (the
product's History shows it), never given twice (a number on a stamp counts; two assignments at
the same moment get two numbers)."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections

from ocop.core.models import ActivityLog
from ocop.products.enums import ProductStatus
from ocop.products.models import Product
from ocop.products.validators import validate_gtin
from ocop.traceability.identifiers import check_digit, is_platform_gtin, platform_gtin
from ocop.traceability.services.gtins import (
    assign_platform_gtin,
    highest_platform_number,
    platform_number,
)
from tests.factories.producers import ProducerFactory
from tests.factories.products import ProductFactory
from tests.factories.traceability import BatchFactory, StampFactory, vn_gtin


def gtin13(number: int) -> str:
    return platform_gtin(number)[1:]


@pytest.mark.django_db
def test_the_first_platform_gtins_follow_each_other(cast, settings):
    assert settings.OCOP_PLATFORM_GTIN_PREFIX == "2089"
    first = assign_platform_gtin(actor=cast.office, product=cast.product1)
    second = assign_platform_gtin(actor=cast.office, product=cast.product2)
    assert first == "208900000001" + check_digit("208900000001")
    assert second == "208900000002" + check_digit("208900000002")
    for gtin in (first, second):
        assert validate_gtin(gtin) == gtin  # the products app accepts it
        assert is_platform_gtin(gtin.zfill(14))
    cast.product1.refresh_from_db()
    assert cast.product1.gtin == first


@pytest.mark.django_db
def test_the_next_number_is_one_more_than_the_highest_given(cast):
    ProductFactory(gtin=gtin13(41))
    ProductFactory(gtin=platform_gtin(7))  # stored with 14 digits
    ProductFactory(gtin=vn_gtin(99))  # a GS1 Vietnam GTIN is not in the range
    assert highest_platform_number() == 41
    assert assign_platform_gtin(actor=None, product=cast.product1) == gtin13(42)


@pytest.mark.django_db
def test_a_number_printed_on_stamps_is_not_given_again(cast):
    product = ProductFactory(gtin=gtin13(60))
    StampFactory(batch=BatchFactory(product=product), gtin=platform_gtin(60))
    product.gtin = vn_gtin(5)  # the producer joined GS1 Vietnam since
    product.save(update_fields=["gtin"])
    assert highest_platform_number() == 60
    assert assign_platform_gtin(actor=None, product=cast.product1) == gtin13(61)


def test_platform_numbers_are_read_in_every_length():
    assert platform_number(gtin13(12)) == 12
    assert platform_number(platform_gtin(12)) == 12
    assert platform_number("1" + gtin13(12)) is None  # a GTIN-14 of a case, not ours
    assert platform_number(vn_gtin(3)) is None
    assert platform_number("") is None


@pytest.mark.django_db
def test_the_product_history_records_who_gave_it(cast):
    gtin = assign_platform_gtin(actor=cast.producer1, product=cast.product1)
    entry = ActivityLog.objects.get(action="products.product.update")
    assert entry.actor == cast.producer1
    assert entry.object_id == str(cast.product1.pk)
    assert entry.data["new"] == {"gtin": gtin}


@pytest.mark.django_db
def test_a_product_with_a_gtin_keeps_it(cast):
    cast.product1.gtin = vn_gtin(8)
    cast.product1.save(update_fields=["gtin"])
    with pytest.raises(ValidationError) as refused:
        assign_platform_gtin(actor=None, product=cast.product1)
    assert "gtin" in refused.value.message_dict
    cast.product1.refresh_from_db()
    assert cast.product1.gtin == vn_gtin(8)
    assert not ActivityLog.objects.filter(action="products.product.update").exists()


@pytest.mark.django_db
def test_an_exhausted_range_is_refused(cast, settings):
    settings.OCOP_PLATFORM_GTIN_PREFIX = "20891234567"  # room for 9 numbers
    ProductFactory(gtin=gtin13(9))
    with pytest.raises(ValidationError):
        assign_platform_gtin(actor=None, product=cast.product1)


@pytest.mark.django_db
def test_the_command_gives_gtins_to_active_products_without_one(cast):
    archived = ProductFactory(producer=cast.prod1, status=ProductStatus.ARCHIVED)
    other = ProductFactory(producer=cast.prod1)
    out = StringIO()
    call_command("assign-gtins", "--producer", cast.prod1.code, stdout=out)
    assert "2 platform GTIN(s) given." in out.getvalue()
    gtins = dict(Product.objects.values_list("pk", "gtin"))
    assert gtins[cast.product1.pk] and gtins[other.pk]
    assert gtins[archived.pk] == "" and gtins[cast.product2.pk] == ""
    call_command("assign-gtins", stdout=StringIO())
    assert Product.objects.get(pk=cast.product2.pk).gtin
    assert Product.objects.filter(gtin="").count() == 1  # the archived one


@pytest.mark.django_db
def test_the_command_dry_run_changes_nothing(cast):
    out = StringIO()
    call_command("assign-gtins", "--dry-run", stdout=out)
    assert cast.product1.code in out.getvalue()
    assert not Product.objects.exclude(gtin="").exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL and real threads")
@pytest.mark.django_db(transaction=True)
def test_two_assignments_at_the_same_moment_get_two_numbers():
    products = [ProductFactory(producer=ProducerFactory()) for _ in range(4)]
    barrier = threading.Barrier(len(products))
    results: list[object] = [None] * len(products)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = assign_platform_gtin(actor=None, product=products[index])
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(products))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [gtin13(n) for n in range(1, 5)]  # type: ignore[type-var]
