import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ocop.producers.validators import (
    ETHNICITIES,
    ETHNICITY_CHOICES,
    normalise_ethnicity,
    normalise_phone,
    normalise_tax_code,
    validate_past_date,
    validate_workforce,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0100233488", "0100233488"),
        (" 01.00.233.488 ", "0100233488"),
        ("0314409058-002", "0314409058-002"),
        ("0314409058002", "0314409058-002"),
        ("0312 68 78 78 - 001", "0312687878-001"),
        ("", ""),
        (None, ""),
    ],
)
def test_tax_code_is_normalised_to_the_canonical_form(typed, stored):
    assert normalise_tax_code(typed) == stored


def test_tax_code_with_a_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as info:
        normalise_tax_code("0100233480")
    assert info.value.code == "mst_checksum"


@pytest.mark.parametrize(
    "typed",
    ["12345", "01002334881", "010023348A", "0314409058-000", "0100000001", "0314409058-02"],
)
def test_tax_code_of_the_wrong_shape_is_refused(typed):
    with pytest.raises(ValidationError) as info:
        normalise_tax_code(typed)
    assert info.value.code in {"mst_format", "mst_checksum"}


def test_tax_code_branch_with_a_bad_parent_check_digit_is_refused():
    with pytest.raises(ValidationError) as info:
        normalise_tax_code("0314409050-002")
    assert info.value.code == "mst_checksum"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("0387.654.321", "0387654321"),
        ("+84912345678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("0084 912345678", "0912345678"),
        ("024 3825 1234", "02438251234"),
        ("(0222) 3855 123", "02223855123"),
        ("", ""),
    ],
)
def test_phone_is_normalised_to_digits_starting_with_zero(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["0123456789", "091234567", "09123456789", "0412345678", "024382512", "+1 212 555 0100", "abc"],
)
def test_phone_that_is_not_vietnamese_is_refused(typed):
    with pytest.raises(ValidationError) as info:
        normalise_phone(typed)
    assert info.value.code == "phone"


def test_ethnicities_are_the_54_groups_with_kinh_first():
    assert len(ETHNICITIES) == 54
    assert len(set(ETHNICITIES)) == 54
    assert ETHNICITIES[0] == "Kinh"
    assert {"Hoa", "Tày", "Thái", "Mường", "Khmer", "Nùng", "H'Mông", "Dao", "Ơ Đu"} <= set(
        ETHNICITIES
    )
    assert ETHNICITY_CHOICES[1] == ("Tày", "Tày")
    assert all(unicodedata.is_normalized("NFC", name) for name in ETHNICITIES)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Tày", "Tày"),
        ("tay", "Tày"),
        (unicodedata.normalize("NFD", "Mường"), "Mường"),
        ("Hmong", "H'Mông"),
        ("Mông", "H'Mông"),
        ("Khơ-me", "Khmer"),
        ("bru-van kieu", "Bru - Vân Kiều"),
        ("ê đê", "Ê Đê"),
    ],
)
def test_ethnicity_is_matched_to_its_official_name(typed, stored):
    assert normalise_ethnicity(typed) == stored


@pytest.mark.parametrize("typed", ["", "Viking", None])
def test_unknown_ethnicity_is_refused(typed):
    with pytest.raises(ValidationError) as info:
        normalise_ethnicity(typed)
    assert info.value.code == "ethnicity"


def test_dates_may_not_be_in_the_future_or_before_1900():
    today = timezone.localdate()
    assert validate_past_date(today) is None
    assert validate_past_date(None) is None
    with pytest.raises(ValidationError) as future:
        validate_past_date(today + dt.timedelta(days=1))
    assert future.value.code == "future_date"
    with pytest.raises(ValidationError) as early:
        validate_past_date(dt.date(1899, 12, 31))
    assert early.value.code == "too_early"


def test_local_workers_may_not_outnumber_the_workforce():
    assert validate_workforce(10, 10) is None
    assert validate_workforce(None, 3) is None
    with pytest.raises(ValidationError) as info:
        validate_workforce(5, 6)
    assert list(info.value.error_dict) == ["workforce_local"]
