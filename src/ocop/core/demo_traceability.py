"""The traceability part of the Hà Nội demo: places, batches with their inputs, journeys recorded
through the people's forms (`record_step`, so every step is a captured EPCIS 2.0 event),
shipments and stamps, for four products of four producers. Built only through the services,
after the products exist (inside `load_demo`'s transaction).

- **Trà ướp sen Tây Hồ** (producer2): batch TS-2610, lotus harvested at dawn on the Quảng An
  pond, tea scented seven times, packed, shipped to the demo's distributor, received and sold
  at the shop; 50 stamps (45 active, 2 void); a second batch TS-2611 in production (20 stamps
  not yet active). **Trà sen túi lọc** is made from TS-2610 (one step back on the platform: its
  processing is a TransformationEvent), so the recall page of TS-2610 reaches its shipments.
- **Bình gốm men lam vẽ tay** (producer1): batch BT-2610-01, clay and glaze from outside
  suppliers, fired, packed, shipped to a hotel, sold; 40 stamps (38 active, 1 void).
- **Mơ muối Hương Sơn** (the office for the cooperative, which has no account): MM-2609,
  harvested, salted, packed, shipped; 30 stamps (25 active, 2 void).
- **Giò lụa Ước Lễ** (the office for the company): GL-2611-15, made, packed, kept cold and
  shipped on the same day; 50 stamps (45 active, 3 void).

Dates are fixed (September–November 2026) and the codes (batch, place and shipment codes,
serials, short codes) are drawn from a generator seeded here (`TRACE_SEED`), so that the Digital
Links of the README are the same on every machine, whatever the other parts of the demo draw.
The products get platform GTINs in this order (numbers 1–5 of `OCOP_PLATFORM_GTIN_PREFIX`).
Everything is looked up before it is made: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ocop.accounts.models import Organisation, User

TRACE_SEED = 2610


def _at(day: str, time: str) -> dt.datetime:
    """A moment in Hà Nội time from "dd/mm/yyyy" and "hh:mm"."""
    return dt.datetime.strptime(f"{day} {time} +0700", "%d/%m/%Y %H:%M %z")


@dataclass(frozen=True)
class DemoStep:
    step: str
    day: str
    time: str
    place: str | None  # the name of one of the producer's places
    quantity: str | None = None
    note: str = ""
    buyer: str | None = None  # "distributor" (the demo's buyer organisation) or a name
    destination: str = ""


@dataclass(frozen=True)
class DemoBatch:
    product: str
    lot: str
    produced_on: str
    expires_on: str | None
    quantity: str
    unit: str
    place: str
    # material, supplier, supplier's lot, quantity, unit, received on; or ("@LOT", …): the
    # platform batch of that lot (of the same producer's products) as the input.
    inputs: tuple[tuple[str, str, str, str, str, str], ...]
    steps: tuple[DemoStep, ...]
    stamps: int
    active: int
    void: int
    note: str = ""


@dataclass(frozen=True)
class DemoChain:
    producer: str  # the producer's name (as in ocop.core.demo.PRODUCERS)
    actor: str  # the demo username who records it
    places: tuple[tuple[str, str, str], ...]  # name, kind, address
    batches: tuple[DemoBatch, ...] = field(default_factory=tuple)


DISTRIBUTOR = "distributor"
CHAINS: tuple[DemoChain, ...] = (
    DemoChain(
        producer="Công ty TNHH Trà sen Quảng An",
        actor="producer2",
        places=(
            ("Đầm sen Quảng An", "farm", "Đầm Quảng An, phường Tây Hồ"),
            ("Xưởng ướp trà Quảng An", "workshop", "Ngõ 52 Quảng An, phường Tây Hồ"),
            ("Cửa hàng Trà sen Quảng An", "shop", "Số 8 Quảng An, phường Tây Hồ"),
        ),
        batches=(
            DemoBatch(
                product="Trà ướp sen Tây Hồ",
                lot="TS-2610",
                produced_on="12/10/2026",
                expires_on="12/10/2027",
                quantity="200",
                unit="hộp",
                place="Xưởng ướp trà Quảng An",
                inputs=(
                    (
                        "Chè Tân Cương",
                        "HTX Chè Tân Cương Thái Nguyên",
                        "TC-2609",
                        "30",
                        "kg",
                        "02/10/2026",
                    ),
                    (
                        "Bông sen Bách Diệp",
                        "Đầm sen Quảng An",
                        "SEN-0910",
                        "1500",
                        "bông",
                        "09/10/2026",
                    ),
                ),
                steps=(
                    DemoStep(
                        "harvesting",
                        "09/10/2026",
                        "05:30",
                        "Đầm sen Quảng An",
                        None,
                        "1.500 bông: hái sen Bách Diệp lúc tinh mơ, khi hoa còn ngậm sương.",
                    ),
                    DemoStep(
                        "transforming",
                        "10/10/2026",
                        "08:00",
                        "Xưởng ướp trà Quảng An",
                        "200",
                        "Ướp chè với gạo sen bảy lần, sấy than hoa.",
                    ),
                    DemoStep(
                        "packing",
                        "12/10/2026",
                        "14:00",
                        "Xưởng ướp trà Quảng An",
                        "200",
                        "Đóng hộp 100 g, dán tem truy xuất.",
                    ),
                    DemoStep(
                        "shipping",
                        "15/10/2026",
                        "09:00",
                        "Xưởng ướp trà Quảng An",
                        "80",
                        "Giao xe lạnh.",
                        DISTRIBUTOR,
                        "Kho Long Biên",
                    ),
                    DemoStep(
                        "receiving",
                        "16/10/2026",
                        "08:00",
                        "Cửa hàng Trà sen Quảng An",
                        "40",
                        "Nhập cửa hàng.",
                    ),
                    DemoStep(
                        "retail_selling", "20/10/2026", "10:00", "Cửa hàng Trà sen Quảng An", "12"
                    ),
                ),
                stamps=50,
                active=45,
                void=2,
            ),
            DemoBatch(
                product="Trà ướp sen Tây Hồ",
                lot="TS-2611",
                produced_on="05/11/2026",
                expires_on="05/11/2027",
                quantity="150",
                unit="hộp",
                place="Xưởng ướp trà Quảng An",
                inputs=(
                    (
                        "Chè Tân Cương",
                        "HTX Chè Tân Cương Thái Nguyên",
                        "TC-2610",
                        "25",
                        "kg",
                        "28/10/2026",
                    ),
                ),
                steps=(
                    DemoStep(
                        "harvesting",
                        "02/11/2026",
                        "05:30",
                        "Đầm sen Quảng An",
                        None,
                        "1.100 bông, lứa sen cuối mùa.",
                    ),
                    DemoStep(
                        "commissioning", "03/11/2026", "07:00", "Xưởng ướp trà Quảng An", "150"
                    ),
                    DemoStep("packing", "05/11/2026", "15:00", "Xưởng ướp trà Quảng An", "150"),
                ),
                stamps=20,
                active=0,
                void=0,
            ),
            DemoBatch(
                product="Trà sen túi lọc",
                lot="TL-2610",
                produced_on="18/10/2026",
                expires_on="18/10/2027",
                quantity="60",
                unit="hộp",
                place="Xưởng ướp trà Quảng An",
                inputs=(("@TS-2610", "", "", "20", "hộp", "17/10/2026"),),
                steps=(
                    DemoStep(
                        "transforming",
                        "18/10/2026",
                        "08:30",
                        "Xưởng ướp trà Quảng An",
                        "60",
                        "Xay và đóng túi lọc 2 g.",
                    ),
                    DemoStep("packing", "18/10/2026", "16:00", "Xưởng ướp trà Quảng An", "60"),
                    DemoStep(
                        "shipping",
                        "21/10/2026",
                        "09:00",
                        "Xưởng ướp trà Quảng An",
                        "30",
                        "",
                        DISTRIBUTOR,
                        "Kho Long Biên",
                    ),
                ),
                stamps=20,
                active=20,
                void=0,
            ),
        ),
    ),
    DemoChain(
        producer="Hợp tác xã Gốm sứ Minh Phát",
        actor="producer1",
        places=(
            ("Xưởng gốm Minh Phát", "workshop", "Thôn 3, xã Bát Tràng"),
            ("Lò nung gas số 2", "workshop", "Thôn 3, xã Bát Tràng"),
            ("Cửa hàng gốm Bát Tràng", "shop", "Chợ gốm Bát Tràng"),
        ),
        batches=(
            DemoBatch(
                product="Bình gốm men lam vẽ tay",
                lot="BT-2610-01",
                produced_on="08/10/2026",
                expires_on=None,
                quantity="40",
                unit="bình",
                place="Xưởng gốm Minh Phát",
                inputs=(
                    (
                        "Đất sét trắng Trúc Thôn",
                        "HTX Khai thác đất sét Trúc Thôn",
                        "DS-0926",
                        "300",
                        "kg",
                        "25/09/2026",
                    ),
                    ("Men lam", "Cơ sở men màu Kim Lan", "ML-12", "8", "kg", "26/09/2026"),
                ),
                steps=(
                    DemoStep(
                        "commissioning",
                        "01/10/2026",
                        "07:30",
                        "Xưởng gốm Minh Phát",
                        "40",
                        "Tạo dáng bình trên bàn xoay, vẽ tay hoa sen.",
                    ),
                    DemoStep(
                        "transforming",
                        "06/10/2026",
                        "06:00",
                        "Lò nung gas số 2",
                        "40",
                        "Nung 1.280 °C trong 12 giờ.",
                    ),
                    DemoStep(
                        "packing",
                        "08/10/2026",
                        "15:00",
                        "Xưởng gốm Minh Phát",
                        "40",
                        "Hộp gỗ lót rơm.",
                    ),
                    DemoStep(
                        "shipping",
                        "12/10/2026",
                        "09:30",
                        "Xưởng gốm Minh Phát",
                        "20",
                        "",
                        "Khách sạn Metropole Hà Nội",
                        "15 Ngô Quyền, phường Hoàn Kiếm",
                    ),
                    DemoStep(
                        "retail_selling", "14/10/2026", "16:00", "Cửa hàng gốm Bát Tràng", "5"
                    ),
                ),
                stamps=40,
                active=38,
                void=1,
            ),
        ),
    ),
    DemoChain(
        producer="Hợp tác xã Nông nghiệp Hương Sơn",
        actor="office",
        places=(
            ("Vườn mơ Yến Vĩ", "farm", "Thôn Yến Vĩ, xã Hương Sơn"),
            ("Xưởng chế biến Hương Sơn", "workshop", "Thôn Yến Vĩ, xã Hương Sơn"),
        ),
        batches=(
            DemoBatch(
                product="Mơ muối Hương Sơn",
                lot="MM-2609",
                produced_on="20/09/2026",
                expires_on="20/09/2027",
                quantity="300",
                unit="hũ",
                place="Xưởng chế biến Hương Sơn",
                inputs=(
                    (
                        "Mơ lông tươi",
                        "Tổ hợp tác trồng mơ Yến Vĩ",
                        "MO-0905",
                        "180",
                        "kg",
                        "05/09/2026",
                    ),
                    ("Muối biển", "HTX Muối Bạch Long", "BL-26", "20", "kg", "01/09/2026"),
                ),
                steps=(
                    DemoStep(
                        "harvesting",
                        "05/09/2026",
                        "06:00",
                        "Vườn mơ Yến Vĩ",
                        None,
                        "180 kg mơ lông chín vàng.",
                    ),
                    DemoStep(
                        "transforming",
                        "07/09/2026",
                        "08:00",
                        "Xưởng chế biến Hương Sơn",
                        "300",
                        "Muối mơ 10 ngày trong chum sành.",
                    ),
                    DemoStep(
                        "packing",
                        "20/09/2026",
                        "14:00",
                        "Xưởng chế biến Hương Sơn",
                        "300",
                        "Hũ thủy tinh 500 g.",
                    ),
                    DemoStep(
                        "shipping",
                        "25/09/2026",
                        "08:00",
                        "Xưởng chế biến Hương Sơn",
                        "100",
                        "",
                        DISTRIBUTOR,
                        "Kho Long Biên",
                    ),
                ),
                stamps=30,
                active=25,
                void=2,
            ),
        ),
    ),
    DemoChain(
        producer="Công ty CP Thực phẩm Ước Lễ",
        actor="office",
        places=(
            ("Xưởng giò chả Ước Lễ", "workshop", "Thôn Ước Lễ, xã Bình Minh"),
            ("Kho lạnh Ước Lễ", "warehouse", "Thôn Ước Lễ, xã Bình Minh"),
        ),
        batches=(
            DemoBatch(
                product="Giò lụa Ước Lễ",
                lot="GL-2611-15",
                produced_on="15/11/2026",
                expires_on="25/11/2026",
                quantity="200",
                unit="cái",
                place="Xưởng giò chả Ước Lễ",
                inputs=(
                    (
                        "Thịt thăn lợn",
                        "Cơ sở giết mổ Thanh Oai",
                        "TO-1115",
                        "220",
                        "kg",
                        "15/11/2026",
                    ),
                    ("Nước mắm", "Công ty Nước mắm Cát Hải", "CH-26", "12", "l", "02/11/2026"),
                    ("Lá chuối", "Hộ ông Tạ Văn Lá", "", "", "", "14/11/2026"),
                ),
                steps=(
                    DemoStep(
                        "commissioning",
                        "15/11/2026",
                        "04:00",
                        "Xưởng giò chả Ước Lễ",
                        "200",
                        "Giã thịt bằng cối đá.",
                    ),
                    DemoStep(
                        "transforming",
                        "15/11/2026",
                        "06:00",
                        "Xưởng giò chả Ước Lễ",
                        "200",
                        "Gói lá chuối, luộc 90 phút.",
                    ),
                    DemoStep("packing", "15/11/2026", "10:00", "Xưởng giò chả Ước Lễ", "200"),
                    DemoStep(
                        "receiving",
                        "15/11/2026",
                        "11:00",
                        "Kho lạnh Ước Lễ",
                        "200",
                        "Bảo quản 0–4 °C.",
                    ),
                    DemoStep(
                        "shipping",
                        "15/11/2026",
                        "14:00",
                        "Kho lạnh Ước Lễ",
                        "120",
                        "",
                        DISTRIBUTOR,
                        "Kho Long Biên",
                    ),
                ),
                stamps=50,
                active=45,
                void=3,
            ),
        ),
    ),
)
# The Digital Links the README names: a batch (lot) and one of its active stamps (serial).
README_BATCH = ("Trà ướp sen Tây Hồ", "TS-2610")


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    day, month, year = (int(part) for part in text.split("/"))
    return dt.date(year, month, day)


def load_traceability_demo(
    *, users: dict[str, User], organisations: dict[str, Organisation]
) -> dict[str, int]:
    """The traceability demo (inside `load_demo`'s transaction); what it made."""
    from ocop.core.codes import repeatable_codes

    with repeatable_codes(TRACE_SEED):
        return _load(users=users, organisations=organisations)


def _load(*, users: dict[str, User], organisations: dict[str, Organisation]) -> dict[str, int]:
    from ocop.producers.models import Producer
    from ocop.traceability.models import Batch, Event, Location, Shipment, Stamp

    counts = {
        "trace_places": Location.objects.count(),
        "trace_batches": Batch.objects.count(),
        "trace_steps": Event.objects.count(),
        "trace_shipments": Shipment.objects.count(),
        "trace_stamps": Stamp.objects.count(),
    }
    for chain in CHAINS:
        producer = Producer.objects.filter(name=chain.producer).first()
        if producer is None:
            continue
        actor = users[chain.actor]
        places = _places(actor, producer, chain)
        for spec in chain.batches:
            _batch(actor, producer, places, spec, organisations)
    return {
        "trace_places": Location.objects.count() - counts["trace_places"],
        "trace_batches": Batch.objects.count() - counts["trace_batches"],
        "trace_steps": Event.objects.count() - counts["trace_steps"],
        "trace_shipments": Shipment.objects.count() - counts["trace_shipments"],
        "trace_stamps": Stamp.objects.count() - counts["trace_stamps"],
    }


def _places(actor: User, producer: Any, chain: DemoChain) -> dict[str, Any]:
    from ocop.traceability.models import Location
    from ocop.traceability.services.batches import create_location

    found: dict[str, Any] = {}
    for name, kind, address in chain.places:
        place = Location.objects.filter(producer=producer, name=name).first()
        if place is None:
            place = create_location(
                actor=actor,
                producer=producer,
                data={"name": name, "kind": kind, "address": address, "unit": producer.commune},
            )
        found[name] = place
    return found


def _batch(
    actor: User,
    producer: Any,
    places: dict[str, Any],
    spec: DemoBatch,
    organisations: dict[str, Organisation],
) -> None:
    from ocop.products.models import Product
    from ocop.traceability.enums import StampStatus
    from ocop.traceability.models import Batch
    from ocop.traceability.services.batches import add_batch_input, create_batch
    from ocop.traceability.services.stamps import change_stamp_status, issue_stamps
    from ocop.traceability.services.steps import record_step

    product = Product.objects.filter(producer=producer, name=spec.product).first()
    if product is None or Batch.objects.filter(product=product, lot=spec.lot).exists():
        return
    batch = create_batch(
        actor=actor,
        product=product,
        data={
            "lot": spec.lot,
            "produced_on": _day(spec.produced_on),
            "expires_on": _day(spec.expires_on),
            "quantity": spec.quantity,
            "unit": spec.unit,
            "location": places[spec.place],
            "note": spec.note,
        },
    )
    for material, supplier, lot, quantity, unit, received in spec.inputs:
        data: dict[str, Any] = {
            "quantity": quantity,
            "unit": unit,
            "received_on": _day(received),
        }
        if material.startswith("@"):
            source = Batch.objects.get(producer=producer, lot=material[1:])
            data["input_batch"] = source
        else:
            data.update({"material": material, "supplier_name": supplier, "supplier_lot": lot})
        add_batch_input(actor=actor, batch=batch, data=data)
    for step in spec.steps:
        shipment = None
        if step.buyer:
            organisation = organisations["buyer"] if step.buyer == DISTRIBUTOR else None
            shipment = {
                "buyer_organisation": organisation,
                "buyer_name": "" if organisation else step.buyer,
                "destination": step.destination,
                "destination_unit": None,
            }
        record_step(
            actor=actor,
            batch=batch,
            step=step.step,
            at=_at(step.day, step.time),
            location=places[step.place] if step.place else None,
            quantity=step.quantity,
            note=step.note,
            shipment_data=shipment,
        )
    if spec.stamps:
        stamps = issue_stamps(actor=actor, batch=batch, count=spec.stamps)
        if spec.active:
            change_stamp_status(
                actor=actor,
                batch=batch,
                to=StampStatus.ACTIVE,
                codes=f"{stamps[0].short_code}-{stamps[spec.active - 1].short_code}",
            )
        if spec.void:
            change_stamp_status(
                actor=actor,
                batch=batch,
                to=StampStatus.VOID,
                codes=[stamp.short_code for stamp in stamps[-spec.void :]],
                reason="Tem in hỏng.",
            )


def demo_trace_links() -> list[tuple[str, str]]:
    """(what, Digital Link) of the README: the lotus tea's batch and its first active stamp."""
    from django.conf import settings

    from ocop.traceability.enums import StampStatus
    from ocop.traceability.identifiers import DigitalLink, normalise_gtin
    from ocop.traceability.models import Batch

    product, lot = README_BATCH
    batch = Batch.objects.select_related("product").filter(product__name=product, lot=lot).first()
    if batch is None or not batch.product.gtin:
        return []
    gtin = normalise_gtin(batch.product.gtin)
    links = [("batch", DigitalLink(gtin, lot).uri(settings.SITE_URL))]
    stamp = batch.stamps.filter(status=StampStatus.ACTIVE).order_by("pk").first()
    if stamp is not None:
        links.append(("stamp", DigitalLink(stamp.gtin, lot, stamp.serial).uri(settings.SITE_URL)))
    return links
