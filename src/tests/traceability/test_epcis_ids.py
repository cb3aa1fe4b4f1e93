"""EPC URIs and Digital Links in events: the canonical form, and what is refused."""

from __future__ import annotations

import pytest
from django.utils import translation

from ocop.traceability.epc import (
    EpcError,
    canonical,
    check_identifier,
    parse_identifier,
    pattern_prefix,
)


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the msgids); Vietnamese is the default."""
    with translation.override("en"):
        yield


CANONICAL = [
    ("urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017"),
    ("urn:epc:id:sgtin:8931234.056789.A%2F1", "https://id.gs1.org/01/08931234567897/21/A%2F1"),
    ("urn:epc:class:lgtin:4012345.011111.4444", "https://id.gs1.org/01/04012345111118/10/4444"),
    ("urn:epc:idpat:sgtin:4012345.066666.*", "https://id.gs1.org/01/04012345666663"),
    ("urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908"),
    ("urn:epc:id:sgln:0614141.07346.1234", "https://id.gs1.org/414/0614141073467/254/1234"),
    ("urn:epc:id:sgln:0012345.11111.0", "https://id.gs1.org/414/0012345111112"),
    ("urn:epc:id:pgln:0614141.00777", "https://id.gs1.org/417/0614141007776"),
    ("urn:epc:id:grai:4012345.55555.987", "https://id.gs1.org/8003/04012345555554987"),
    ("urn:epc:id:giai:4000001.12345", "https://id.gs1.org/8004/400000112345"),
    ("urn:epc:id:gsrn:0614141.0000010253", "https://id.gs1.org/8018/061414100000102534"),
    ("urn:epc:id:gdti:0614141.00001.1618034", "https://id.gs1.org/253/06141410000121618034"),
    # Digital Links on any domain: the key, the finest qualifier, no query string.
    (
        "https://id.gs1.org/01/70614141123451/21/2017",
        "https://id.gs1.org/01/70614141123451/21/2017",
    ),
    (
        "https://shop.example.vn/p/01/8931234567897/10/L1/21/A1?17=261231",
        "https://id.gs1.org/01/08931234567897/21/A1",
    ),
    (
        "https://example.vn/01/08931234567897/10/L%2F1",
        "https://id.gs1.org/01/08931234567897/10/L%2F1",
    ),
    (
        "http://example.vn/01/08931234567897/22/V1/10/L1",
        "https://id.gs1.org/01/08931234567897/10/L1",
    ),
    (
        "https://id.example.com/8003/040123450007718765",
        "https://id.gs1.org/8003/040123450007718765",
    ),
    ("https://id.example.com/414/4012345000054", "https://id.gs1.org/414/4012345000054"),
    # Other URIs are kept.
    ("http://transaction.acme.com/po/12345678", "http://transaction.acme.com/po/12345678"),
    ("geo:42.698334,23.319941", "geo:42.698334,23.319941"),
    (
        "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
    ),
    ("https://example.vn/01/x/y/z", "https://example.vn/01/x/y/z"),
]


@pytest.mark.parametrize(("written", "expected"), CANONICAL)
def test_canonical_form(written, expected):
    assert canonical(written) == expected


def test_the_gtin_lot_and_serial_of_a_digital_link():
    key = parse_identifier("https://x.vn/01/8931234567897/10/L%2F1/21/S1")

    assert (key.gtin, key.lot, key.serial) == ("08931234567897", "L/1", "S1")


REFUSED = [
    ("urn:epc:id:sgtin:0614141.107346", "is not a valid EPC URI"),
    ("urn:epc:id:sgtin:061414.107346.1", "is not a valid EPC URI"),  # 12 digits, not 13
    ("urn:epc:id:sgtin:0614141.107346." + "9" * 21, "is not a valid EPC URI"),
    ("urn:epc:class:sgtin:0614141.107346.1", "is not a valid EPC URI"),
    ("urn:epc:id:coffee:1.2.3", "is not a valid EPC URI"),
    ("urn:epc:id:sscc:0614141.123", "is not a valid EPC URI"),
    ("https://id.gs1.org/01/8931234567891", "The check digit of GTIN 8931234567891 is wrong"),
    ("https://id.gs1.org/01/893123456789", "The check digit of GTIN"),
    ("https://id.gs1.org/01/12345", "is not a GTIN"),
    ("https://id.gs1.org/414/8931234000012", "is not a GLN"),
    ("https://id.gs1.org/00/106141412345678907", "is not a valid SSCC"),
    ("https://id.gs1.org/01/08931234567897/21/" + "S" * 21, "is not a valid serial number"),
    ("A001", "is not an absolute URI"),
    ("", "is not an absolute URI"),
]


@pytest.mark.parametrize(("written", "message"), REFUSED)
def test_refused_identifiers(written, message):
    with pytest.raises(EpcError) as caught:
        check_identifier(written)

    assert message in str(caught.value)


def test_pattern_prefix_of_a_gtin_pattern():
    assert pattern_prefix("urn:epc:idpat:sgtin:4012345.066666.*") == (
        "https://id.gs1.org/01/04012345666663/21/"
    )
    assert pattern_prefix("https://id.gs1.org/01/04012345666663") is None
    with pytest.raises(EpcError):
        pattern_prefix("urn:epc:idpat:sgtin:4012345.*.*")
