"""GS1 identifiers (issue 6, item 1): GTIN-8/12/13/14 with the mod-10 check digit, the 14-digit
form, GS1 Vietnam's prefix 893, platform GTINs in the restricted-circulation range, lot and
serial in the GS1 character set (up to 20), GLN, Digital Link paths written and read, serials
unique per GTIN."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from ocop.traceability.identifiers import (
    DigitalLink,
    IdentifierError,
    check_digit,
    check_gln,
    check_lot,
    check_serial,
    digital_link,
    is_platform_gtin,
    is_vietnamese,
    normalise_gtin,
    parse_path,
    platform_gtin,
)
from tests.factories.traceability import BatchFactory, StampFactory


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the msgids); outside a request the active language
    is the site's, Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("body", "digit"),
    [
        ("893123456789", "7"),  # the reference's worked example
        ("629104150021", "3"),  # GS1's reference value
        ("9638507", "4"),  # GTIN-8 96385074
        ("03600029145", "2"),  # UPC-A 036000291452
        ("1061414112345", "9"),  # GTIN-14 10614141123459 (a case)
    ],
)
def test_the_gs1_check_digit(body, digit):
    assert check_digit(body) == digit


@pytest.mark.parametrize(
    ("written", "gtin14"),
    [
        ("96385074", "00000096385074"),
        ("036000291452", "00036000291452"),
        ("8931234567897", "08931234567897"),
        ("08931234567897", "08931234567897"),
        (" 8931234567897 ", "08931234567897"),
    ],
)
def test_gtins_of_every_length_become_14_digits(written, gtin14):
    assert normalise_gtin(written) == gtin14


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("8931234567890", "check digit"),
        ("8931234567", "8, 12, 13 or 14 digits"),
        ("89312345678970", "check digit"),
        ("893-123456789", "8, 12, 13 or 14 digits"),
        ("", "8, 12, 13 or 14 digits"),
        ("８９３１２３４５６７８９７", "GTIN"),  # full-width digits
    ],
)
def test_a_malformed_gtin_says_why(written, words):
    with pytest.raises(IdentifierError) as refused:
        normalise_gtin(written)
    assert words in str(refused.value)


def test_the_wrong_check_digit_message_gives_the_right_one():
    with pytest.raises(IdentifierError) as refused:
        normalise_gtin("8931234567890")
    assert "8931234567890" in str(refused.value) and "7" in str(refused.value)


def test_vietnam_prefix_893():
    assert is_vietnamese("08931234567897")
    assert is_vietnamese("8931234567897")
    assert not is_vietnamese("09506000164908")
    assert not is_vietnamese(platform_gtin(1))


def test_platform_gtins_are_restricted_circulation_numbers_with_a_check_digit(settings):
    settings.OCOP_PLATFORM_GTIN_PREFIX = "2089"
    first = platform_gtin(1)
    assert first == "0208900000001" + check_digit("208900000001")
    assert normalise_gtin(first) == first
    assert is_platform_gtin(first) and not is_vietnamese(first)
    assert platform_gtin(99_999_999)[1:13] == "208999999999"
    for number in (0, -1, 100_000_000):
        with pytest.raises(IdentifierError):
            platform_gtin(number)
    assert not is_platform_gtin("08931234567897")


@pytest.mark.parametrize("value", ["L2026-07", "A", "x" * 20, "A/B%C", "!\"%&'()*+,-./:;<=>?_"])
def test_lots_and_serials_of_the_gs1_character_set(value):
    assert check_lot(value) == value
    assert check_serial(value) == value


@pytest.mark.parametrize("value", ["", "x" * 21, "Lô1", "L 1", "L#1", "L@1", "L~1", "L\n1"])
def test_lots_and_serials_outside_the_gs1_character_set(value):
    with pytest.raises(IdentifierError):
        check_lot(value)
    with pytest.raises(IdentifierError) as refused:
        check_serial(value)
    assert "serial number" in str(refused.value)


def test_glns():
    assert check_gln("8931234500009") == "8931234500009"
    for bad in ("8931234500008", "893123450000", "89312345000090", "893123450000A"):
        with pytest.raises(IdentifierError):
            check_gln(bad)


def test_digital_links_written_on_the_platform_domain(settings):
    settings.SITE_URL = "https://ocop.example.vn"
    link = digital_link("8931234567897", "L/1", "S 1".replace(" ", "%"))
    assert link == DigitalLink("08931234567897", "L/1", "S%1")
    assert link.path() == "/01/08931234567897/10/L%2F1/21/S%251"
    assert link.uri() == "https://ocop.example.vn/01/08931234567897/10/L%2F1/21/S%251"
    assert (
        link.uri("https://id.gs1.org") == "https://id.gs1.org/01/08931234567897/10/L%2F1/21/S%251"
    )
    assert DigitalLink("08931234567897").path() == "/01/08931234567897"


@pytest.mark.parametrize(
    ("path", "link"),
    [
        ("/01/8931234567897", DigitalLink("08931234567897")),
        ("/01/08931234567897/", DigitalLink("08931234567897")),
        ("/01/08931234567897/10/L1", DigitalLink("08931234567897", "L1")),
        ("/01/08931234567897/21/S1/", DigitalLink("08931234567897", None, "S1")),
        ("/01/08931234567897/10/L%2F1/21/S1", DigitalLink("08931234567897", "L/1", "S1")),
    ],
)
def test_resolver_paths_are_read_back(path, link):
    assert parse_path(path) == link


@pytest.mark.parametrize(
    "path",
    [
        "/01/08931234567897/21/S1/10/L1",  # qualifiers out of GS1's order
        "/01/08931234567897/22/CPV",
        "/01/08931234567897/10/",
        "/gtin/08931234567897",  # the short names were removed in DL URI syntax 1.3.0
        "/01/08931234567890",
        "/01/08931234567897/10/Lô",
    ],
)
def test_malformed_paths_are_refused(path):
    with pytest.raises(IdentifierError):
        parse_path(path)


@pytest.mark.django_db
def test_serials_are_unique_per_gtin_not_per_batch(cast):
    first = StampFactory(batch=BatchFactory(product=cast.product1), serial="S1", short_code="T1")
    other_batch = BatchFactory(product=cast.product1)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        StampFactory(batch=other_batch, serial="S1", short_code="T2")
    assert "serial" in str(refused.value) or "stamp_serial_per_gtin" in str(refused.value)
    # the same serial under another GTIN is another unit
    StampFactory(batch=BatchFactory(product=cast.product2), serial="S1", short_code="T3")
    assert first.serial == "S1"
