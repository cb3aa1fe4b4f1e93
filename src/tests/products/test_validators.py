import pytest
from django.core.exceptions import ValidationError

from ocop.products.validators import gtin_equivalents, normalise_gtin, validate_gtin

pytestmark = pytest.mark.usefixtures("english")


def gs1_check_digit(body: str) -> str:
    """The GS1 mod-10 check digit, written out independently of the code under test: weights
    3, 1, 3, … from the rightmost digit of the body."""
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body))
    )
    return str((10 - total % 10) % 10)


def with_check_digit(body: str) -> str:
    return body + gs1_check_digit(body)


def test_the_helper_agrees_with_published_examples():
    assert with_check_digit("400638133393") == "4006381333931"  # GTIN-13 (EAN-13)
    assert with_check_digit("03600029145") == "036000291452"  # GTIN-12 (UPC-A)
    assert with_check_digit("9638507") == "96385074"  # GTIN-8 (EAN-8)


@pytest.mark.parametrize(
    "gtin",
    [
        "4006381333931",
        "036000291452",
        "96385074",
        with_check_digit("893456789012"),  # GS1 Việt Nam prefix 893
        with_check_digit("1893456789012"),  # GTIN-14 (a case of the above)
        with_check_digit("50012345678"),  # another prefix: 893 is not required
    ],
)
def test_valid_gtins_pass_unchanged(gtin):
    assert validate_gtin(gtin) == gtin


def test_spaces_and_hyphens_between_groups_are_removed():
    assert normalise_gtin(" 8 934567-890128 ") == "8934567890128"
    assert validate_gtin("4 006381 333931") == "4006381333931"
    assert validate_gtin("036000\u00a0291452") == "036000291452"  # a no-break space


def test_every_wrong_check_digit_is_refused_with_the_right_one():
    body = "893456789012"
    right = gs1_check_digit(body)
    for digit in "0123456789":
        if digit == right:
            continue
        with pytest.raises(ValidationError) as caught:
            validate_gtin(body + digit)
        assert caught.value.code == "gtin_check_digit"
        assert caught.value.messages == [
            f"The check digit of this GTIN is wrong: with these digits it must be {right}."
        ]


def test_full_width_digits_become_ascii():
    assert validate_gtin("４００６３８１３３３９３１") == "4006381333931"


@pytest.mark.parametrize("value", ["893456789012A", "4006381333931.0", "٤٠٠٦٣٨١٣٣٣٩٣١", "-"])
def test_non_digits_are_refused(value):
    with pytest.raises(ValidationError) as caught:
        validate_gtin(value)
    assert caught.value.code == "gtin_digits"
    assert caught.value.messages == ["A GTIN contains digits only."]


@pytest.mark.parametrize("value", ["1234567", "123456789", "12345678901", "123456789012345"])
def test_wrong_lengths_are_refused_with_the_count(value):
    with pytest.raises(ValidationError) as caught:
        validate_gtin(value)
    assert caught.value.code == "gtin_length"
    assert caught.value.messages == [
        f"A GTIN has 8, 12, 13 or 14 digits; this one has {len(value)}."
    ]


def test_equivalents_are_the_same_number_at_other_lengths():
    assert gtin_equivalents("036000291452") == {"036000291452", "0036000291452", "00036000291452"}
    assert gtin_equivalents("96385074") == {
        "96385074",
        "000096385074",
        "0000096385074",
        "00000096385074",
    }
    assert gtin_equivalents("4006381333931") == {"4006381333931", "04006381333931"}
    assert gtin_equivalents(with_check_digit("1893456789012")) == {
        with_check_digit("1893456789012")
    }
