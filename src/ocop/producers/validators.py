"""Field checks for producers, shared by the forms, the services and so the API.

Each `normalise_*` function takes what a person typed and returns the canonical value, or raises
`django.core.exceptions.ValidationError` with a message for that one field.

Association kind: QĐ 26/2026 Điều 2.3 lets "hội, hiệp hội, trung tâm điều hành hoặc tổ chức
tương đương" register only for the community and eco-tourism product group. A producer of that
kind is stored like any other (the kind carries the help text `ASSOCIATION_HELP`); the product
group check belongs to the products app, when a product of an association is classified.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

from ocop.core.text import fold, nfc

ASSOCIATION_HELP = _(
    "Associations (hội, hiệp hội) may take part only with community or eco-tourism products; "
    "the product group is checked when a product is registered."
)

# --- Tax code (mã số thuế) ---------------------------------------------------------------------


def normalise_tax_code(value: str | None) -> str:
    """A Vietnamese MST in its canonical form: `0100233488`, or `0314409058-002` for a branch.

    Spaces, dots and a missing hyphen are tolerated on input; the check digit must be right."""
    value = nfc(value or "")
    if not value:
        return ""
    try:
        number = mst.validate(value)
    except InvalidChecksum:
        raise ValidationError(
            _("This tax code (MST) is not valid: its check digit does not match."),
            code="mst_checksum",
        ) from None
    except StdnumError:
        raise ValidationError(
            _(
                "Enter a valid tax code (MST): 10 digits, or 10 digits, a hyphen and a 3-digit "
                "branch number."
            ),
            code="mst_format",
        ) from None
    return mst.format(number)


# --- Phone ------------------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_LANDLINE = re.compile(r"02[0-9]{9}")


def normalise_phone(value: str | None) -> str:
    """A Vietnamese phone number as digits starting with 0: a mobile (0[35789] + 8 digits) or a
    landline (02 + 9 digits, e.g. 024 3825 1234). `+84` and `0084` become `0`."""
    value = nfc(value or "")
    if not value:
        return ""
    digits = _PHONE_SEPARATORS.sub("", value)
    for prefix in ("+84", "0084"):
        if digits.startswith(prefix):
            rest = digits[len(prefix) :]
            digits = rest if rest.startswith("0") else "0" + rest
            break
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    raise ValidationError(
        _(
            "Enter a valid Vietnamese phone number: a mobile number such as 0912 345 678 or a "
            "landline such as 024 3825 1234."
        ),
        code="phone",
    )


# --- Ethnicity --------------------------------------------------------------------------------

# The 54 ethnic groups of Vietnam (Danh mục các dân tộc Việt Nam, Tổng cục Thống kê), Kinh first,
# then in the order of the 2019 census population. The name is what is stored.
ETHNICITIES: tuple[str, ...] = (
    "Kinh",
    "Tày",
    "Thái",
    "Mường",
    "Khmer",
    "Hoa",
    "Nùng",
    "H'Mông",
    "Dao",
    "Gia Rai",
    "Ê Đê",
    "Ba Na",
    "Sán Chay",
    "Chăm",
    "Cơ Ho",
    "Xơ Đăng",
    "Sán Dìu",
    "Hrê",
    "Ra Glai",
    "Mnông",
    "Thổ",
    "Xtiêng",
    "Khơ Mú",
    "Bru - Vân Kiều",
    "Cơ Tu",
    "Giáy",
    "Tà Ôi",
    "Mạ",
    "Giẻ Triêng",
    "Co",
    "Chơ Ro",
    "Xinh Mun",
    "Hà Nhì",
    "Chu Ru",
    "Lào",
    "La Chí",
    "Kháng",
    "Phù Lá",
    "La Hủ",
    "La Ha",
    "Pà Thẻn",
    "Lự",
    "Ngái",
    "Chứt",
    "Lô Lô",
    "Mảng",
    "Cơ Lao",
    "Bố Y",
    "Cống",
    "Si La",
    "Pu Péo",
    "Rơ Măm",
    "Brâu",
    "Ơ Đu",
)
ETHNICITY_CHOICES: list[tuple[str, str]] = [(name, name) for name in ETHNICITIES]


def _ethnicity_key(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(value))


# Other spellings people use for the same group.
_ETHNICITY_ALIASES = {"mong": "H'Mông", "khome": "Khmer", "vankieu": "Bru - Vân Kiều"}
_ETHNICITY_LOOKUP = {_ethnicity_key(name): name for name in ETHNICITIES} | _ETHNICITY_ALIASES


def normalise_ethnicity(value: str | None) -> str:
    """The official name of an ethnic group, whatever the case, diacritics or hyphens typed."""
    name = _ETHNICITY_LOOKUP.get(_ethnicity_key(nfc(value or "")))
    if name is None:
        raise ValidationError(_("Choose one of the 54 ethnic groups of Vietnam."), code="ethnicity")
    return name


# --- Dates and workforce ----------------------------------------------------------------------

EARLIEST_DATE = dt.date(1900, 1, 1)


def validate_past_date(value: dt.date | None) -> None:
    """Registration and founding dates: not in the future, not before 1900."""
    if value is None:
        return
    if value > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future_date")
    if value < EARLIEST_DATE:
        raise ValidationError(_("Enter a date after 01/01/1900."), code="too_early")


def validate_workforce(total: int | None, local: int | None) -> None:
    """Local workers are part of the workforce, so they cannot outnumber it."""
    if total is not None and local is not None and local > total:
        raise ValidationError(
            {
                "workforce_local": ValidationError(
                    _("Local workers cannot be more than the total number of workers."),
                    code="local_gt_total",
                )
            }
        )
