"""Producers (chủ thể OCOP) from a spreadsheet, entered by the provincial office.

Each row is checked with the producers' own rules (`clean_producer_data`: kind, tax code with
its check digit and unique in the registry, phone, e-mail, dates not in the future, ethnicity,
workforce) plus what only a file can get wrong: the commune given by its official code (a unit
valid today), and the same tax code twice in the file. Rows are written by `create_producer`:
the provincial office's entries are approved at once, as on the "Add a producer" page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit
from ocop.producers.enums import ProducerKind, Sex
from ocop.producers.models import Producer
from ocop.producers.services.producers import clean_producer_data, create_producer
from ocop.producers.validators import ETHNICITIES, normalise_tax_code
from ocop.reports.enums import ImportKind
from ocop.reports.imports.cells import Column, Row, problem, service_problems
from ocop.reports.imports.spec import ImportSpec

# The words of the file (Vietnamese, as officials write them); the codes are accepted too.
KIND_CHOICES: tuple[tuple[str, str], ...] = (
    (ProducerKind.COOPERATIVE, "Hợp tác xã"),
    (ProducerKind.COOPERATIVE_GROUP, "Tổ hợp tác"),
    (ProducerKind.ENTERPRISE, "Doanh nghiệp"),
    (ProducerKind.FARM, "Trang trại"),
    (ProducerKind.HOUSEHOLD, "Hộ kinh doanh"),
    (ProducerKind.ASSOCIATION, "Hội, hiệp hội"),
    # other ways of writing them
    (ProducerKind.COOPERATIVE, "HTX"),
    (ProducerKind.COOPERATIVE_GROUP, "THT"),
    (ProducerKind.ENTERPRISE, "DN"),
    (ProducerKind.HOUSEHOLD, "Hộ sản xuất"),
    (ProducerKind.ASSOCIATION, "Hiệp hội"),
    (ProducerKind.ASSOCIATION, "Hội"),
)
SEX_CHOICES: tuple[tuple[str, str], ...] = ((Sex.FEMALE, "Nữ"), (Sex.MALE, "Nam"))
DEFAULT_ETHNICITY = "Kinh"


def _labels(choices: tuple[tuple[str, str], ...]) -> list[str]:
    seen: set[str] = set()
    labels = []
    for value, label in choices:
        if value not in seen:
            seen.add(value)
            labels.append(label)
    return labels


def _max(name: str) -> int | None:
    return getattr(Producer._meta.get_field(name), "max_length", None)


COLUMNS: tuple[Column, ...] = (
    Column(
        "kind",
        "Loại hình",
        "choice",
        required=True,
        choices=KIND_CHOICES,
        help=gettext_lazy("One of the list (the “Danh mục” sheet)."),
        example="Hợp tác xã",
        width=16,
        list_range="A",
    ),
    Column(
        "name",
        "Tên chủ thể",
        required=True,
        max_length=_max("name"),
        help=gettext_lazy("The registered name."),
        example="Hợp tác xã Nông nghiệp Đông Anh",
        width=36,
    ),
    Column(
        "tax_code",
        "Mã số thuế",
        "code",
        digits=10,
        max_length=_max("tax_code"),
        help=gettext_lazy(
            "10 digits, or 10 digits, a hyphen and a 3-digit branch number; the check digit "
            "must be right. Another producer may not have it. Format the column as text."
        ),
        example="0100233488",
        width=16,
    ),
    Column(
        "registration_number",
        "Số đăng ký kinh doanh",
        max_length=_max("registration_number"),
        help=gettext_lazy("As printed on the registration certificate."),
        example="0107001234",
        width=20,
    ),
    Column(
        "registration_date",
        "Ngày đăng ký kinh doanh",
        "date",
        help=gettext_lazy("dd/mm/yyyy, or a date cell; not in the future."),
        example="12/05/2015",
        width=14,
    ),
    Column(
        "founded_on",
        "Ngày thành lập",
        "date",
        help=gettext_lazy("dd/mm/yyyy, or a date cell; not in the future."),
        example="01/03/2015",
        width=14,
    ),
    Column(
        "address",
        "Địa chỉ",
        required=True,
        max_length=_max("address"),
        help=gettext_lazy("Village or street and number; the commune is the next column."),
        example="Thôn Đông, số 5",
        width=30,
    ),
    Column(
        "commune",
        "Mã xã",
        "code",
        required=True,
        digits=5,
        max_length=10,
        help=gettext_lazy(
            "The official code (5 digits) of the commune or ward as it is today, after "
            "1/7/2025. Format the column as text."
        ),
        example="00004",
        width=10,
    ),
    Column(
        "phone",
        "Điện thoại",
        "code",
        prefix_zero=True,
        max_length=30,
        help=gettext_lazy("A mobile number (0912 345 678) or a landline (024 3825 1234)."),
        example="0912345678",
        width=14,
    ),
    Column(
        "email",
        "Thư điện tử",
        max_length=_max("email"),
        help=gettext_lazy("An e-mail address, or empty."),
        example="htx.donganh@example.vn",
        width=26,
    ),
    Column(
        "representative_name",
        "Người đại diện",
        required=True,
        max_length=_max("representative_name"),
        help=gettext_lazy("The legal representative's full name."),
        example="Nguyễn Thị Hoa",
        width=24,
    ),
    Column(
        "representative_sex",
        "Giới tính người đại diện",
        "choice",
        required=True,
        choices=SEX_CHOICES,
        help=gettext_lazy("Nữ or Nam."),
        example="Nữ",
        width=12,
        list_range="B",
    ),
    Column(
        "representative_ethnicity",
        "Dân tộc người đại diện",
        max_length=_max("representative_ethnicity"),
        help=gettext_lazy("One of the 54 ethnic groups (the “Danh mục” sheet); empty means Kinh."),
        example="Kinh",
        width=14,
        list_range="C",
    ),
    Column(
        "workforce_total",
        "Tổng số lao động",
        "count",
        help=gettext_lazy("A whole number, 0 or more; empty means 0."),
        example=25,
        width=12,
    ),
    Column(
        "workforce_local",
        "Lao động địa phương",
        "count",
        help=gettext_lazy("Workers living in the commune: not more than the total."),
        example=20,
        width=12,
    ),
)
FIELDS = tuple(column.field for column in COLUMNS)
COUNTS = frozenset({"workforce_total", "workforce_local"})


def _communes(codes: set[str]) -> tuple[dict[str, AdministrativeUnit], dict[str, Any]]:
    """The current communes with these official codes, and for the other codes the last day
    of an ended commune that had it (two queries)."""
    units = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, code__in=codes)
    current = {unit.code: unit for unit in units.filter(valid_to__isnull=True)}
    ended = dict(
        units.filter(valid_to__isnull=False)
        .exclude(code__in=list(current))
        .order_by("code", "valid_to")
        .values_list("code", "valid_to")
    )
    return current, ended


def _commune_problem(code: str, ended: dict[str, Any]) -> tuple[str, str]:
    where = f"{settings.SITE_URL}{reverse('geo:units')}?period=current&level=commune"
    if code in ended:
        return "ended_commune", _(
            "The commune with the code %(code)s ended on %(day)s: give the code of the commune "
            "or ward it became part of (list: %(url)s)."
        ) % {"code": code, "day": date_format(ended[code], "SHORT_DATE_FORMAT"), "url": where}
    return "unknown_commune", _(
        "No current commune or ward has the code %(code)s (list of the codes: %(url)s)."
    ) % {"code": code, "url": where}


def _tax_code(value: Any) -> str | None:
    try:
        return normalise_tax_code(value) or None
    except ValidationError:
        return None


def check(
    actor: Any, rows: list[Row], letters: dict[str, str], tick: Callable[[], None]
) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    codes = {row.values["commune"] for row in rows if row.values.get("commune")}
    current, ended = _communes(codes)
    first_row_of_tax_code: dict[str, int] = {}
    for row in rows:
        data: dict[str, Any] = {name: row.values[name] for name in FIELDS if name in row.values}
        skip = set(row.failed)
        code = data.pop("commune", "")
        if "commune" not in skip and code:
            unit = current.get(code)
            if unit is None:
                kind, message = _commune_problem(code, ended)
                problems.append(problem(row.number, letters["commune"], "commune", kind, message))
                skip.add("commune")
            else:
                data["commune"] = unit
        if not data.get("representative_ethnicity"):
            data["representative_ethnicity"] = DEFAULT_ETHNICITY
        try:
            clean_producer_data(data)
        except ValidationError as exc:
            found = service_problems(exc, row.number, letters, skip)
            if skip & COUNTS:  # a count that could not be read is not compared with the other
                found = [item for item in found if item["code"] != "local_gt_total"]
            problems.extend(found)
        tax_code = _tax_code(data.get("tax_code")) if "tax_code" not in skip else None
        if tax_code:
            first = first_row_of_tax_code.setdefault(tax_code, row.number)
            if first != row.number:
                problems.append(
                    problem(
                        row.number,
                        letters["tax_code"],
                        "tax_code",
                        "duplicate_in_file",
                        _("The tax code %(code)s is also in row %(row)s of this file.")
                        % {"code": tax_code, "row": first},
                    )
                )
        row.extra["data"] = data
        tick()
    return problems


def write(actor: Any, row: Row) -> Producer:
    return create_producer(actor=actor, data=row.extra["data"])


def lists() -> list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
    kinds = _labels(KIND_CHOICES)
    sexes = _labels(SEX_CHOICES)
    length = max(len(kinds), len(sexes), len(ETHNICITIES))
    rows = [
        (
            kinds[i] if i < len(kinds) else None,
            sexes[i] if i < len(sexes) else None,
            ETHNICITIES[i] if i < len(ETHNICITIES) else None,
        )
        for i in range(length)
    ]
    return [("Danh mục", ("Loại hình", "Giới tính", "Dân tộc"), rows)]


def notes() -> list[str]:
    where = f"{settings.SITE_URL}{reverse('geo:units')}?period=current&level=commune"
    return [
        _(
            "Each row is a producer (chủ thể). The producers are entered by the provincial office "
            "and approved at once, as on the “Add a producer” page."
        ),
        _("The commune codes are listed at %(url)s (current communes and wards).") % {"url": where},
        _(
            "A producer whose tax code is already in the registry, or twice in the file, is "
            "refused: leave the tax code empty only when the producer has none."
        ),
    ]


SPEC = ImportSpec(
    kind=ImportKind.PRODUCERS,
    sheet_title="Chủ thể",
    columns=COLUMNS,
    check=check,
    write=write,
    lists=lists,
    notes=notes,
)
