"""The catalogue of bad input (issue #9, item 9) posted through the real UI forms.

Each case is posted by the signed-in user who may use the form, and asserts one of:
- refused: the form again (never a 500), the specific Vietnamese error on the field, in the page,
  and nothing written: the rows of the model, the activity log and the edited record unchanged;
- accepted: decomposed (NFD) or mixed Vietnamese, an emoji in free text, tabs and line breaks in
  a textarea are valid and stored in NFC.
Control characters (NUL, ESC, C1), the direction overrides (U+202E, U+2066), the zero-width space
and the BOM are refused by `ocop.core.forms.NFCFormMixin`, with the message the API gives.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from ocop.core.models import ActivityLog
from ocop.evaluation.models import Dossier, Evidence
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.reports.models import Plan, TrainingCourse
from ocop.trade.models import Demand, Offer, PointOfSale
from tests.evaluation.conftest import classified  # noqa: F401 (a fixture)
from tests.evaluation.dossier_setup import REGISTRATION, new_dossier, pdf
from tests.factories.producers import producer_form_data
from tests.factories.trade import buyer_for

pytestmark = pytest.mark.django_db

FORBIDDEN = "Remove the control or invisible characters from this text."
REQUIRED = "This field is required."
BAD_DATE = "Enter a valid date."
WHOLE_NUMBER = "Enter a whole number."
NUMBER = "Enter a number."
FUTURE = "This date cannot be in the future."
AT_LEAST_0 = ("Ensure this value is greater than or equal to %(limit_value)s.", {"limit_value": 0})
AT_LEAST_1 = ("Ensure this value is greater than or equal to %(limit_value)s.", {"limit_value": 1})
LONG = "a" * 10_000


def too_long(limit: int) -> Callable[[], str]:
    def message() -> str:
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": 10_000}

    return message


def vi(message: Any) -> str:
    """The Vietnamese text the page shows for a msgid (or (msgid, params), or a callable)."""
    with translation.override("vi"):
        if callable(message):
            return message()
        if isinstance(message, tuple):
            return gettext(message[0]) % message[1]
        return gettext(message)


# --- the forms --------------------------------------------------------------------------------


@dataclass
class Target:
    user: str
    url: Callable[[Any], str]
    data: Callable[[Any], dict[str, Any]]
    model: type
    stored: Callable[[Any, str], Any]  # the value of a field after an accepted post
    state: Callable[[Any], Any] = lambda ctx: None  # what a refused edit must leave unchanged
    setup: Callable[[Any], Any] = lambda cast: None


def _latest(model: type) -> Callable[[Any, str], Any]:
    return lambda ctx, field: getattr(model.objects.order_by("-pk").first(), field)


PRODUCER_FIELDS = ("name", "address", "representative_name", "registration_date", "founded_on")


def _producer_state(ctx: Any) -> Any:
    ctx.cast.prod1.refresh_from_db()
    return [getattr(ctx.cast.prod1, name) for name in (*PRODUCER_FIELDS, "workforce_total")]


def _product_stored(ctx: Any, field: str) -> Any:
    ctx.cast.product1.refresh_from_db()
    return getattr(ctx.cast.product1, field)


def _product_state(ctx: Any) -> Any:
    ctx.cast.product1.refresh_from_db()
    return (ctx.cast.product1.name, ctx.cast.product1.description)


def _dossier_stored(ctx: Any, field: str) -> Any:
    ctx.dossier.refresh_from_db()
    return ctx.dossier.registration[field]


def _dossier_state(ctx: Any) -> Any:
    ctx.dossier.refresh_from_db()
    return (ctx.dossier.registration, ctx.dossier.samples_count)


def _period() -> tuple[str, str]:
    start = timezone.localdate() + dt.timedelta(days=30)
    return start.strftime("%d/%m/%Y"), (start + dt.timedelta(days=60)).strftime("%d/%m/%Y")


TARGETS: dict[str, Target] = {
    "producer-register": Target(
        user="outsider",
        url=lambda ctx: reverse("producers:register"),
        data=lambda ctx: producer_form_data(ctx.cast.commune_b),
        model=Producer,
        stored=_latest(Producer),
    ),
    "producer-edit": Target(
        user="producer1",
        url=lambda ctx: reverse("producers:edit", args=[ctx.cast.prod1.code]),
        data=lambda ctx: producer_form_data(ctx.cast.commune_a),
        model=Producer,
        stored=lambda ctx, field: _producer_state(ctx) and getattr(ctx.cast.prod1, field),
        state=_producer_state,
    ),
    "product-create": Target(
        user="producer1",
        url=lambda ctx: reverse("products:create"),
        data=lambda ctx: {
            "producer": ctx.cast.prod1.code,
            "name": "Bình gốm men lam",
            "description": "",
            "gtin": "",
            "producer_sku": "",
            "classification": "",
        },
        model=Product,
        stored=_latest(Product),
    ),
    "product-edit": Target(
        user="producer1",
        url=lambda ctx: reverse("products:edit", args=[ctx.cast.product1.code]),
        data=lambda ctx: {"name": "Lọ hoa gốm men rạn", "description": "", "classification": ""},
        model=Product,
        stored=_product_stored,
        state=_product_state,
    ),
    "dossier-registration": Target(
        user="producer1",
        url=lambda ctx: reverse("evaluation:dossier_registration", args=[ctx.dossier.code]),
        data=lambda ctx: {**REGISTRATION, "samples_count": "5"},
        model=Dossier,
        stored=_dossier_stored,
        state=_dossier_state,
        setup=lambda cast: new_dossier(cast),
    ),
    "evidence-upload": Target(
        user="producer1",
        url=lambda ctx: reverse("evaluation:dossier_evidence", args=[ctx.dossier.code]),
        data=lambda ctx: {
            "category": "food_safety",
            "title": "Giấy chứng nhận an toàn thực phẩm",
            "file": pdf(),
            "issued_on": "01/03/2025",
            "expires_on": "",
        },
        model=Evidence,
        stored=_latest(Evidence),
        setup=lambda cast: new_dossier(cast),
    ),
    "demand-create": Target(
        user="buyer",
        url=lambda ctx: reverse("trade:demand_create"),
        data=lambda ctx: {
            "title": "Bình gốm cho quà biếu",
            "keywords": "gốm, bình",
            "quantity": "100",
            "unit": "cái",
            "period_start": _period()[0],
            "period_end": _period()[1],
            "description": "",
        },
        model=Demand,
        stored=_latest(Demand),
        setup=lambda cast: buyer_for(cast.buyer),
    ),
    "offer-create": Target(
        user="producer2",
        url=lambda ctx: reverse("trade:offer_create"),
        data=lambda ctx: {
            "product": ctx.cast.product2.code,
            "capacity_per_month": "50",
            "unit": "bộ",
            "price_min": "",
            "price_max": "",
            "note": "",
        },
        model=Offer,
        stored=_latest(Offer),
    ),
    "point-create": Target(
        user="office",
        url=lambda ctx: reverse("points:create"),
        data=lambda ctx: {
            "kind": "ocop_point",
            "name": "Điểm bán OCOP Hồ Gươm",
            "address": "Số 1 phố Thử",
            "commune": ctx.cast.commune_a.key,
            "opening_hours": "8:00–21:00",
            "phone": "0912 345 678",
            "email": "",
            "website": "",
            "operator_name": "",
            "buyer": "",
            "latitude": "",
            "longitude": "",
            "starts_on": "",
            "ends_on": "",
        },
        model=PointOfSale,
        stored=_latest(PointOfSale),
    ),
    "course-create": Target(
        user="office",
        url=lambda ctx: reverse("reports:course_create"),
        data=lambda ctx: {
            "title": "Tập huấn bao bì, nhãn mác sản phẩm OCOP",
            "topic": "",
            "audience": "producers",
            "organiser": "UBND xã Bát Tràng",
            "year": "2026",
            "unit": ctx.cast.commune_a.key,
            "capacity": "",
            "description": "",
        },
        model=TrainingCourse,
        stored=_latest(TrainingCourse),
    ),
    "plan-create": Target(
        user="office",
        url=lambda ctx: reverse("reports:plan_create"),
        data=lambda ctx: {
            "year": "2026",
            "unit": ctx.cast.commune_b.key,
            "products_target": "5",
            "stars_3_target": "3",
            "stars_4_target": "1",
            "stars_5_target": "0",
            "reference": "",
            "note": "",
        },
        model=Plan,
        stored=_latest(Plan),
    ),
}

# The text fields of each form that take the Unicode cases; "free" ones are free text, which
# also take an emoji.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "producer-register": ("name", "address", "representative_name"),
    "producer-edit": ("name", "address"),
    "product-create": ("name", "description"),
    "product-edit": ("name", "description"),
    "dossier-registration": ("product_name", "packaging"),
    "evidence-upload": ("title",),
    "demand-create": ("title", "keywords"),
    "offer-create": ("unit", "note"),
    "point-create": ("name", "address"),
    "course-create": ("title", "organiser"),
    "plan-create": ("reference", "note"),
}
TEXTAREAS = {
    "product-create": "description",
    "dossier-registration": "description",
    "demand-create": "description",
    "offer-create": "note",
    "course-create": "description",
    "plan-create": "note",
}
# a name field and its max_length: 10,000 characters are refused with the length message
NAME_FIELDS = {
    "producer-register": ("name", 255),
    "producer-edit": ("representative_name", 200),
    "product-create": ("name", 255),
    "product-edit": ("name", 255),
    "demand-create": ("title", 255),
    "offer-create": ("unit", 30),
    "point-create": ("name", 255),
    "course-create": ("title", 255),
    "plan-create": ("reference", 200),
}

INVISIBLE = [
    ("rtl-override", "Trà \u202egnol"),
    ("rtl-isolate", "Trà \u2066sen"),
    ("nul", "Trà\x00sen"),
    ("escape", "Trà\x1b[31msen"),
    ("zero-width-space", "Trà\u200bsen"),
    ("bom", "\ufeffTrà sen"),
    ("c1-control", "Trà\x85sen"),
]
NAME = "Trà Sen Tây Hồ Nguyễn"
ACCEPTED = [
    ("nfd", unicodedata.normalize("NFD", NAME), NAME),
    ("mixed-nfc-nfd", "Trà " + unicodedata.normalize("NFD", "Sen Tây Hồ"), "Trà Sen Tây Hồ"),
]

REFUSED: list[tuple[str, str, str, Any, Any]] = []  # (id, target, field, value, message)
OK: list[tuple[str, str, str, Any, Any]] = []  # (id, target, field, value, stored)

for _target, _fields in TEXT_FIELDS.items():
    for _field in _fields:
        for _case, _value in INVISIBLE:
            REFUSED.append((f"{_target}-{_field}-{_case}", _target, _field, _value, FORBIDDEN))
        for _case, _value, _stored in ACCEPTED:
            OK.append((f"{_target}-{_field}-{_case}", _target, _field, _value, _stored))
for _target, _field in TEXTAREAS.items():
    OK.append((f"{_target}-{_field}-emoji", _target, _field, "Trà sen 🍵", "Trà sen 🍵"))
    _lines = "Dòng một\nDòng hai\tcột"
    OK.append((f"{_target}-{_field}-newline-tab", _target, _field, _lines, _lines))
    OK.append(
        (
            f"{_target}-{_field}-nfd-emoji",
            _target,
            _field,
            unicodedata.normalize("NFD", "Gia đình 👨\u200d👩\u200d👧"),
            "Gia đình 👨\u200d👩\u200d👧",
        )
    )
for _target, (_field, _limit) in NAME_FIELDS.items():
    REFUSED.append((f"{_target}-{_field}-10000-chars", _target, _field, LONG, too_long(_limit)))

FUTURE_DAY = "01/01/2999"
REFUSED += [
    # dates
    (
        "producer-register-registration-31-02",
        "producer-register",
        "registration_date",
        "31/02/2026",
        BAD_DATE,
    ),
    ("producer-register-founded-31-02", "producer-register", "founded_on", "31/02/2026", BAD_DATE),
    ("producer-register-founded-garbage", "producer-register", "founded_on", "hôm qua", BAD_DATE),
    (
        "producer-register-registration-future",
        "producer-register",
        "registration_date",
        FUTURE_DAY,
        FUTURE,
    ),
    ("producer-register-founded-future", "producer-register", "founded_on", FUTURE_DAY, FUTURE),
    (
        "producer-edit-registration-31-02",
        "producer-edit",
        "registration_date",
        "31/02/2026",
        BAD_DATE,
    ),
    ("producer-edit-founded-future", "producer-edit", "founded_on", FUTURE_DAY, FUTURE),
    (
        "evidence-issued-future",
        "evidence-upload",
        "issued_on",
        FUTURE_DAY,
        "The issue date cannot be in the future.",
    ),
    ("evidence-issued-31-02", "evidence-upload", "issued_on", "31/02/2025", BAD_DATE),
    ("evidence-expires-31-02", "evidence-upload", "expires_on", "31/02/2030", BAD_DATE),
    ("demand-start-31-02", "demand-create", "period_start", "31/02/2026", BAD_DATE),
    ("demand-end-30-02", "demand-create", "period_end", "30/02/2027", BAD_DATE),
    ("demand-start-words", "demand-create", "period_start", "tháng sau", BAD_DATE),
    ("point-starts-31-02", "point-create", "starts_on", "31/02/2026", BAD_DATE),
    # numbers: negative, wrong type
    (
        "producer-register-workforce-negative",
        "producer-register",
        "workforce_total",
        "-5",
        AT_LEAST_0,
    ),
    (
        "producer-register-workforce-abc",
        "producer-register",
        "workforce_total",
        "abc",
        WHOLE_NUMBER,
    ),
    (
        "producer-register-workforce-float",
        "producer-register",
        "workforce_local",
        "2.5",
        WHOLE_NUMBER,
    ),
    ("producer-edit-workforce-negative", "producer-edit", "workforce_local", "-1", AT_LEAST_0),
    ("producer-register-workforce-empty", "producer-register", "workforce_total", "", REQUIRED),
    ("dossier-capacity-negative", "dossier-registration", "capacity_per_year", "-1200", AT_LEAST_0),
    ("dossier-capacity-abc", "dossier-registration", "capacity_per_year", "abc", NUMBER),
    ("dossier-price-abc", "dossier-registration", "price", "abc", WHOLE_NUMBER),
    ("dossier-samples-negative", "dossier-registration", "samples_count", "-5", AT_LEAST_0),
    ("demand-quantity-abc", "demand-create", "quantity", "abc", NUMBER),
    ("demand-quantity-nan", "demand-create", "quantity", "NaN", NUMBER),
    ("demand-quantity-infinity", "demand-create", "quantity", "Infinity", NUMBER),
    ("offer-capacity-abc", "offer-create", "capacity_per_month", "năm mươi", NUMBER),
    ("course-year-abc", "course-create", "year", "abc", WHOLE_NUMBER),
    ("course-capacity-negative", "course-create", "capacity", "-10", AT_LEAST_1),
    ("course-capacity-abc", "course-create", "capacity", "mười", WHOLE_NUMBER),
    ("plan-products-negative", "plan-create", "products_target", "-1", AT_LEAST_0),
    ("plan-stars3-negative", "plan-create", "stars_3_target", "-10", AT_LEAST_0),
    ("plan-stars4-abc", "plan-create", "stars_4_target", "một trăm", WHOLE_NUMBER),
    ("plan-stars5-float", "plan-create", "stars_5_target", "1.5", WHOLE_NUMBER),
    ("plan-products-empty", "plan-create", "products_target", "", REQUIRED),
    ("point-latitude-abc", "point-create", "latitude", "bắc", NUMBER),
]


# --- the tests --------------------------------------------------------------------------------


@dataclass
class Context:
    cast: Any
    dossier: Any = None


@pytest.fixture
def world(qd26, cast):
    """The cast, with the criteria of QĐ 26 (module-scoped: it must open its transaction before
    any test's, so every test asks for it) for the dossier form's classified product."""
    return Context(cast=cast)


def _prepare(request: Any, ctx: Context, name: str) -> Target:
    target = TARGETS[name]
    if name in ("dossier-registration", "evidence-upload"):
        request.getfixturevalue("classified")
        ctx.dossier = target.setup(ctx.cast)
    else:
        target.setup(ctx.cast)
    return target


def _snapshot(target: Target, ctx: Context) -> tuple[Any, ...]:
    return (target.model.objects.count(), ActivityLog.objects.count(), target.state(ctx))


@pytest.mark.parametrize(
    ("case", "name", "field", "value", "message"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_bad_input_is_refused_on_its_field(
    request, world, client_for, case, name, field, value, message
):
    target = _prepare(request, world, name)
    client = client_for(getattr(world.cast, target.user))
    data = {**target.data(world), field: value}
    before = _snapshot(target, world)
    response = client.post(target.url(world), data)
    assert response.status_code in (200, 422), (response.status_code, case)
    errors = response.context["form"].errors
    expected = vi(message)
    assert errors.get(field) == [expected], errors
    assert escape(expected) in response.content.decode()
    assert _snapshot(target, world) == before


@pytest.mark.parametrize(("case", "name", "field", "value", "stored"), OK, ids=[o[0] for o in OK])
def test_unicode_that_people_type_is_stored_in_nfc(
    request, world, client_for, case, name, field, value, stored
):
    target = _prepare(request, world, name)
    client = client_for(getattr(world.cast, target.user))
    data = {**target.data(world), field: value}
    response = client.post(target.url(world), data)
    assert response.status_code == 302, response.context["form"].errors
    value_stored = target.stored(world, field)
    assert value_stored == stored
    assert unicodedata.is_normalized("NFC", value_stored)


def test_the_catalogue_is_large_enough():
    assert len(REFUSED) + len(OK) >= 100
    assert {name for _, name, *_ in REFUSED} == set(TARGETS)
