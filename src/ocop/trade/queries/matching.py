"""Matching a demand with producers and products (pure reads: nothing is written here).

`match_demand(demand, limit=50)` ranks the **candidates** for a demand and gives each one its
**reasons**, as the buyer sees them. The candidates are:

- the products in the public catalogue (`ocop.catalog.queries.listing.listed_entries`: a
  certificate in force today, an approved producer, an active product);
- the products of the **open offers** of approved producers. An offered product need not be
  certified: without a certificate in force it gets no star or certificate points, and it fails
  (is left out of) a demand that asks for a least number of stars.

A product with several open offers is scored with each one and keeps the best; a listed product
without an offer is scored on what the catalogue knows (no capacity, season or delivery: a
`no_offer` reason says so).

**Relevance.** When the demand names a product group or keywords, a candidate must match the
group or at least one keyword; a demand with neither is matched by every candidate.

**Weights** (points; the score is their sum, at most 120):

| reason | points | when |
|---|---|---|
| `group` | 25 | the candidate's product group (nhóm) is the demand's |
| `keywords` | 25 × share | share of the demand's keywords found (each keyword — the demand's keywords are separated by commas — is found when every word of it is the start of a word of the product's name, producer, group, category or commune, diacritics ignored) |
| `certificate` | 15 | an OCOP certificate in force (its valid-until date is shown) |
| `stars` | 4 / 7 / 10 | 3★ / 4★ / 5★; below the demand's least stars: **left out** |
| `capacity` | 15 × cover | the offer's capacity per month × the months of the period in season ≥ the quantity (or the share it covers, "covers 60 %"); units converted between kg, g, tạ, tấn, yến and between l, ml; other units must be the same word |
| `season` | 5 × share | the share of the period's days that fall in the offer's season months (none given: all year) |
| `commune_same` / `commune_neighbour` | 10 / 5 | the producer's commune is in the delivery area (or, without one, is the buyer's commune) / is a neighbouring commune |
| `delivery` | 5 | the offer's delivery area covers the demand's (an offer without an area delivers anywhere in the province) |
| `certifications` | 10 | the offer holds every certification the demand asks (VietGAP, HACCP …); else 0 and the missing ones are named |

Ranking: score (highest first), then stars, then the product's name.

**Neighbouring communes.** The gazetteer has no adjacency data. Two communes are called
neighbours here when they come from the same district as it stood before 1/7/2025: a current
commune's former districts are the districts (parents) of the old communes it was formed from
(`geo.UnitSuccession`); an old commune's is its own parent. This is an approximation: two
communes of one former district may be far apart (Ba Vì), and two communes across a district
line may touch; it is what the data allows, and it is shown as "same former district" so
nobody is misled.

**Cost.** A fixed number of queries whatever the number of candidates (the open offers with
their delivery areas, the catalogue rows, the former districts): see the N+1 tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ocop.catalog.models import CatalogEntry
from ocop.catalog.queries.listing import listed_entries
from ocop.catalog.queries.search import folded_words
from ocop.core.text import fold, short_date
from ocop.criteria.enums import ClassificationLevel
from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit, UnitSuccession
from ocop.producers.enums import ProducerStatus
from ocop.producers.models import Producer
from ocop.products.enums import ProductStatus
from ocop.products.models import Product
from ocop.trade.enums import QualityCertification
from ocop.trade.models import Demand, Offer
from ocop.trade.queries.board import open_offers

WEIGHT_GROUP = 25
WEIGHT_KEYWORDS = 25
WEIGHT_CERTIFICATE = 15
WEIGHT_STARS = {3: 4, 4: 7, 5: 10}
WEIGHT_CAPACITY = 15
WEIGHT_SEASON = 5
WEIGHT_SAME_COMMUNE = 10
WEIGHT_NEIGHBOUR = 5
WEIGHT_DELIVERY = 5
WEIGHT_CERTIFICATIONS = 10
DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12
MAX_KEYWORDS = 20

# Units a capacity and a quantity can be compared in (folded name → dimension, factor).
UNITS: dict[str, tuple[str, Decimal]] = {
    "kg": ("mass", Decimal(1)),
    "kilogram": ("mass", Decimal(1)),
    "kilogam": ("mass", Decimal(1)),
    "ki lo gam": ("mass", Decimal(1)),
    "can": ("mass", Decimal(1)),  # cân, in the market's sense of a kilogram
    "g": ("mass", Decimal("0.001")),
    "gam": ("mass", Decimal("0.001")),
    "gram": ("mass", Decimal("0.001")),
    "yen": ("mass", Decimal(10)),
    "ta": ("mass", Decimal(100)),
    "tan": ("mass", Decimal(1000)),
    "tonne": ("mass", Decimal(1000)),
    "l": ("volume", Decimal(1)),
    "lit": ("volume", Decimal(1)),
    "litre": ("volume", Decimal(1)),
    "liter": ("volume", Decimal(1)),
    "ml": ("volume", Decimal("0.001")),
}

_KEYWORD_SEPARATORS = re.compile(r"[,;\n|/]+")


# --- reasons ----------------------------------------------------------------------------------


def format_amount(value: Any) -> str:
    """A quantity or a price in the active language's format (1.500 or 12,5 in Vietnamese)."""
    amount = Decimal(str(value))
    decimals = 0 if amount == amount.to_integral_value() else 2
    return number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _certification_names(codes: Iterable[str]) -> str:
    labels = dict(QualityCertification.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes)


def _day(value: str) -> str:
    try:
        return short_date(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)


def reason_label(code: str, ok: bool, params: dict[str, Any]) -> str:
    """A reason in words, in the active language (a connection keeps the code and the params, so
    its reasons read in the reader's language)."""
    p = params
    if code == "group":
        if ok:
            return _("Product group: %(group)s") % {"group": p.get("group", "")}
        return _("Another product group: %(group)s") % {"group": p.get("group") or "–"}
    if code == "keywords":
        if ok:
            return _("Keywords found: %(found)s (%(count)s/%(total)s)") % {
                "found": ", ".join(p.get("found", [])),
                "count": len(p.get("found", [])),
                "total": p.get("total", 0),
            }
        return _("No keyword found (%(keywords)s)") % {"keywords": ", ".join(p.get("asked", []))}
    if code == "stars":
        if p.get("least"):
            return _("%(stars)s★ OCOP (at least %(least)s★ asked)") % {
                "stars": p.get("stars"),
                "least": p.get("least"),
            }
        return _("%(stars)s★ OCOP") % {"stars": p.get("stars")}
    if code == "certificate":
        if ok:
            return _("OCOP certificate in force until %(date)s") % {
                "date": _day(p.get("until", ""))
            }
        return _("No OCOP certificate in force")
    if code == "capacity":
        values = {
            "capacity": format_amount(p.get("capacity", 0)),
            "unit": p.get("unit", ""),
            "demand_unit": p.get("demand_unit", ""),
            "share": p.get("share", 0),
        }
        if p.get("comparable") is False:
            return (
                _(
                    "Capacity given in %(unit)s, the demand in %(demand_unit)s: ask the producer "
                    "whether it covers the quantity"
                )
                % values
            )
        if ok:
            return _("Capacity of %(capacity)s %(unit)s a month covers the quantity") % values
        return (
            _("Capacity of %(capacity)s %(unit)s a month covers %(share)s %% of the quantity")
            % values
        )
    if code == "season":
        if ok and p.get("share", 100) >= 100:
            return _("In season for the whole period")
        if ok:
            return _("In season for %(share)s %% of the period (months %(months)s)") % {
                "share": p.get("share", 0),
                "months": ", ".join(str(m) for m in p.get("months", [])),
            }
        return _("Out of season during the period (season: months %(months)s)") % {
            "months": ", ".join(str(m) for m in p.get("months", []))
        }
    if code == "commune_same":
        if p.get("target") == "buyer":
            return _("Same commune as the buyer: %(commune)s") % {"commune": p.get("commune")}
        return _("In the delivery area: %(commune)s") % {"commune": p.get("commune")}
    if code == "commune_neighbour":
        return _("Neighbouring commune: %(commune)s (same former district: %(district)s)") % {
            "commune": p.get("commune"),
            "district": p.get("district"),
        }
    if code == "commune_far":
        if p.get("target") == "buyer":
            return _("Not the buyer's commune or a neighbouring one: %(commune)s") % {
                "commune": p.get("commune") or "–"
            }
        return _("Outside the delivery area and its neighbours: %(commune)s") % {
            "commune": p.get("commune") or "–"
        }
    if code == "delivery":
        if ok:
            return _("Delivers to the area asked")
        return _("Does not deliver to all of the area asked")
    if code == "certifications":
        if ok:
            return _("Holds the certifications asked: %(names)s") % {
                "names": _certification_names(p.get("held", []))
            }
        return _("Missing certifications: %(names)s") % {
            "names": _certification_names(p.get("missing", []))
        }
    if code == "no_offer":
        return _("No offer posted: ask the producer about capacity, season and delivery")
    return str(p.get("label") or code)


@dataclass(frozen=True)
class Reason:
    code: str
    points: int
    ok: bool
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return reason_label(self.code, self.ok, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "points": self.points,
            "ok": self.ok,
            "params": self.params,
        }


def stored_reasons(rows: Any) -> list[Reason]:
    """The reasons a connection stored (`Reason.as_dict` rows), to show again in the reader's
    language."""
    reasons = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict) or not row.get("code"):
            continue
        params = row.get("params") if isinstance(row.get("params"), dict) else {}
        if "label" in row and not params:
            params = {"label": row["label"]}
        reasons.append(
            Reason(
                code=str(row["code"]),
                points=int(row.get("points") or 0),
                ok=bool(row.get("ok")),
                params=params,
            )
        )
    return reasons


# --- the match --------------------------------------------------------------------------------


@dataclass
class Match:
    """One candidate for a demand: the product, its producer, what the catalogue knows (`entry`,
    None when not listed), the offer scored (None when it has none), the score and the reasons."""

    product: Product
    producer: Producer
    entry: CatalogEntry | None
    offer: Offer | None
    score: int
    reasons: list[Reason]

    @property
    def stars(self) -> int | None:
        return self.entry.stars if self.entry is not None else None

    @property
    def listed(self) -> bool:
        return self.entry is not None

    @property
    def name(self) -> str:
        return self.product.name

    def reasons_as_dicts(self) -> list[dict[str, Any]]:
        return [reason.as_dict() for reason in self.reasons]

    def sort_key(self) -> tuple[Any, ...]:
        return (-self.score, -(self.stars or 0), self.product.name_folded, self.product.code)


@dataclass
class _Candidate:
    product: Product
    producer: Producer
    entry: CatalogEntry | None
    offers: list[Offer]
    text: str  # folded words with a space at each end
    group_code: str
    group_name: str
    commune: AdministrativeUnit | None


@dataclass
class _Need:
    demand: Demand
    phrases: list[tuple[str, list[str]]]
    delivery_ids: frozenset[int]
    targets: dict[int, AdministrativeUnit]
    target_kind: str  # "delivery" | "buyer" | ""
    days_by_month: dict[int, int]
    days: int


def keyword_phrases(keywords: str) -> list[tuple[str, list[str]]]:
    """The demand's keywords: comma-separated phrases, each with its folded words."""
    phrases: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for raw in _KEYWORD_SEPARATORS.split(keywords or ""):
        phrase = " ".join(raw.split())
        words = folded_words(phrase)
        key = " ".join(words)
        if not words or key in seen:
            continue
        seen.add(key)
        phrases.append((phrase, words))
        if len(phrases) >= MAX_KEYWORDS:
            break
    return phrases


def text_has_phrase(text: str, words: list[str]) -> bool:
    """Every word is the start of a word of `text` (folded, with a space at each end)."""
    return all(f" {word}" in text for word in words)


def _days_by_month(start: dt.date, end: dt.date) -> dict[int, int]:
    days: dict[int, int] = defaultdict(int)
    day = start
    while day <= end:
        if day.month == 12:
            month_end = dt.date(day.year, 12, 31)
        else:
            month_end = dt.date(day.year, day.month + 1, 1) - dt.timedelta(days=1)
        last = min(month_end, end)
        days[day.month] += (last - day).days + 1
        day = last + dt.timedelta(days=1)
    return dict(days)


def _need(demand: Demand) -> _Need:
    delivery = list(demand.delivery_units.all())
    targets: dict[int, AdministrativeUnit] = {}
    kind = ""
    if delivery:
        targets = {unit.pk: unit for unit in delivery}
        kind = "delivery"
    elif demand.buyer.commune_id is not None:
        commune = demand.buyer.commune
        assert commune is not None
        targets = {commune.pk: commune}
        kind = "buyer"
    by_month = _days_by_month(demand.period_start, demand.period_end)
    return _Need(
        demand=demand,
        phrases=keyword_phrases(demand.keywords),
        delivery_ids=frozenset(unit.pk for unit in delivery),
        targets=targets,
        target_kind=kind,
        days_by_month=by_month,
        days=sum(by_month.values()),
    )


# --- neighbouring communes --------------------------------------------------------------------


def former_districts(unit_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    """For each commune: its former districts (id → name), from before 1/7/2025. Two queries
    whatever the number of communes."""
    ids = {unit_id for unit_id in unit_ids if unit_id is not None}
    found: dict[int, dict[int, str]] = defaultdict(dict)
    if not ids:
        return {}
    rows = UnitSuccession.objects.filter(
        successor_id__in=ids, predecessor__parent__level=UnitLevel.DISTRICT
    ).values_list("successor_id", "predecessor__parent_id", "predecessor__parent__name")
    for unit_id, district_id, name in rows:
        found[unit_id][district_id] = name
    ended = AdministrativeUnit.objects.filter(
        pk__in=ids, valid_to__isnull=False, parent__level=UnitLevel.DISTRICT
    ).values_list("pk", "parent_id", "parent__name")
    for unit_id, district_id, name in ended:
        found[unit_id][district_id] = name
    return dict(found)


def shared_district(a: int | None, b: int | None, districts: dict[int, dict[int, str]]) -> str:
    """The name of a former district the two communes share ("" when none or the same one)."""
    if a is None or b is None or a == b:
        return ""
    first, second = districts.get(a, {}), districts.get(b, {})
    common = sorted(set(first) & set(second))
    return first[common[0]] if common else ""


def are_neighbours(a: AdministrativeUnit, b: AdministrativeUnit) -> bool:
    """Whether two communes are neighbours in the board's sense (the same former district)."""
    return bool(shared_district(a.pk, b.pk, former_districts([a.pk, b.pk])))


# --- candidates -------------------------------------------------------------------------------


def _classification(product: Product) -> tuple[str, str, str]:
    """(group code, group name, category name) of the product's classification leaf."""
    node = product.classification
    found: dict[str, Any] = {}
    seen = 0
    while node is not None and seen < 5:
        found.setdefault(node.level, node)
        node = node.parent
        seen += 1
    group = found.get(ClassificationLevel.GROUP) or found.get(ClassificationLevel.SUBGROUP)
    category = found.get(ClassificationLevel.CATEGORY)
    return (
        group.code if group else "",
        group.name if group else "",
        category.name if category else "",
    )


def _offers_query(base: QuerySet[Offer]) -> QuerySet[Offer]:
    return base.select_related(
        "producer__commune",
        "product__producer",
        "product__classification__parent__parent",
    ).prefetch_related(
        Prefetch("delivery_units", queryset=AdministrativeUnit.objects.only("pk", "key", "name"))
    )


def _entries_query(base: QuerySet[CatalogEntry]) -> QuerySet[CatalogEntry]:
    return base.filter(
        producer__status=ProducerStatus.APPROVED, product__status=ProductStatus.ACTIVE
    ).select_related("producer__commune")


def _build_candidates(entries: Iterable[CatalogEntry], offers: Iterable[Offer]) -> list[_Candidate]:
    by_product: dict[int, list[Offer]] = defaultdict(list)
    products: dict[int, Product] = {}
    for offer in offers:
        by_product[offer.product_id].append(offer)
        products[offer.product_id] = offer.product
    candidates = []
    for entry in entries:
        candidates.append(
            _Candidate(
                product=entry.product,
                producer=entry.producer,
                entry=entry,
                offers=by_product.pop(entry.product_id, []),
                text=entry.search_text or f" {entry.name_folded} ",
                group_code=entry.group_code,
                group_name=entry.group_name,
                commune=entry.commune,
            )
        )
    for product_id, offers_of in by_product.items():
        product = products[product_id]
        producer = offers_of[0].producer
        group_code, group_name, category_name = _classification(product)
        commune = producer.commune
        words = [product.name, producer.name, group_name, category_name]
        if commune is not None:
            words.append(commune.name)
        candidates.append(
            _Candidate(
                product=product,
                producer=producer,
                entry=None,
                offers=offers_of,
                text=" " + " ".join(w for word in words for w in folded_words(word)) + " ",
                group_code=group_code,
                group_name=group_name,
                commune=commune,
            )
        )
    return candidates


def _relevance(need: _Need) -> Q | None:
    """The catalogue rows worth scoring (None: every row)."""
    demand = need.demand
    if not demand.group_code and not need.phrases:
        return None
    condition = Q(pk__in=[])
    if demand.group_code:
        condition |= Q(group_code=demand.group_code)
    for _phrase, words in need.phrases:
        phrase = Q()
        for word in words:
            phrase &= Q(search_text__contains=f" {word}")
        condition |= phrase
    return condition


# --- scoring ----------------------------------------------------------------------------------


def _unit(value: str) -> tuple[str, Decimal]:
    folded = fold(value or "").strip(". ")
    return UNITS.get(folded, (f"unit:{folded}", Decimal(1)))


def _score(
    need: _Need,
    candidate: _Candidate,
    offer: Offer | None,
    districts: Any,
    *,
    require_relevance: bool = True,
) -> Match | None:
    demand = need.demand
    reasons: list[Reason] = []
    entry = candidate.entry
    relevant = not require_relevance or (not demand.group_code and not need.phrases)

    if demand.group_code:
        same = candidate.group_code == demand.group_code
        relevant = relevant or same
        reasons.append(
            Reason(
                "group",
                WEIGHT_GROUP if same else 0,
                same,
                {"group": candidate.group_name if not same else demand.group_name},
            )
        )
    if need.phrases:
        found = [phrase for phrase, words in need.phrases if text_has_phrase(candidate.text, words)]
        relevant = relevant or bool(found)
        points = round(WEIGHT_KEYWORDS * len(found) / len(need.phrases))
        reasons.append(
            Reason(
                "keywords",
                points,
                bool(found),
                {
                    "found": found,
                    "total": len(need.phrases),
                    "asked": [phrase for phrase, _words in need.phrases],
                },
            )
        )
    if not relevant:
        return None

    if entry is not None:
        if demand.min_stars and entry.stars < demand.min_stars:
            return None
        reasons.append(
            Reason(
                "certificate",
                WEIGHT_CERTIFICATE,
                True,
                {"until": entry.certificate.expires_on.isoformat()},
            )
        )
        reasons.append(
            Reason(
                "stars",
                WEIGHT_STARS.get(entry.stars, 0),
                True,
                {"stars": entry.stars, "least": demand.min_stars},
            )
        )
    else:
        if demand.min_stars:
            return None
        reasons.append(Reason("certificate", 0, False, {}))

    if offer is None:
        reasons.append(Reason("no_offer", 0, False, {}))
    else:
        reasons.extend(_offer_reasons(need, offer))

    reasons.extend(_place_reasons(need, candidate, districts))
    if offer is not None:
        reasons.extend(_delivery_reasons(need, offer))
    return Match(
        product=candidate.product,
        producer=candidate.producer,
        entry=entry,
        offer=offer,
        score=sum(reason.points for reason in reasons),
        reasons=reasons,
    )


def _offer_reasons(need: _Need, offer: Offer) -> list[Reason]:
    demand = need.demand
    reasons = []
    months = sorted(int(m) for m in (offer.season_months or []) if str(m).isdigit())
    in_season = (
        sum(days for month, days in need.days_by_month.items() if month in months)
        if months
        else need.days
    )
    share = round(100 * in_season / need.days) if need.days else 0
    reasons.append(
        Reason(
            "season",
            round(WEIGHT_SEASON * in_season / need.days) if need.days else 0,
            in_season > 0,
            {"share": share, "months": months},
        )
    )
    offer_dim, offer_factor = _unit(offer.unit)
    demand_dim, demand_factor = _unit(demand.unit)
    params: dict[str, Any] = {
        "capacity": str(offer.capacity_per_month),
        "unit": offer.unit,
        "demand_unit": demand.unit,
    }
    if offer_dim != demand_dim:
        params["comparable"] = False
        reasons.append(Reason("capacity", 0, False, params))
    else:
        supply = (
            Decimal(offer.capacity_per_month) * offer_factor * Decimal(in_season) / DAYS_PER_MONTH
        )
        wanted = Decimal(demand.quantity) * demand_factor
        cover = min(Decimal(1), supply / wanted) if wanted > 0 else Decimal(1)
        params["share"] = int((cover * 100).to_integral_value(rounding="ROUND_FLOOR"))
        reasons.append(
            Reason("capacity", round(WEIGHT_CAPACITY * float(cover)), cover >= 1, params)
        )
    asked = [code for code in (demand.certifications or []) if isinstance(code, str)]
    if asked:
        held = set(offer.certifications or [])
        missing = [code for code in asked if code not in held]
        reasons.append(
            Reason(
                "certifications",
                0 if missing else WEIGHT_CERTIFICATIONS,
                not missing,
                {"held": asked, "missing": missing} if not missing else {"missing": missing},
            )
        )
    return reasons


def _place_reasons(need: _Need, candidate: _Candidate, districts: Any) -> list[Reason]:
    if not need.targets:
        return []
    commune = candidate.commune
    name = commune.name if commune is not None else ""
    if commune is not None and commune.pk in need.targets:
        return [
            Reason(
                "commune_same",
                WEIGHT_SAME_COMMUNE,
                True,
                {"commune": name, "target": need.target_kind},
            )
        ]
    for target in need.targets:
        district = shared_district(commune.pk if commune else None, target, districts)
        if district:
            return [
                Reason(
                    "commune_neighbour",
                    WEIGHT_NEIGHBOUR,
                    True,
                    {"commune": name, "district": district, "target": need.target_kind},
                )
            ]
    return [Reason("commune_far", 0, False, {"commune": name, "target": need.target_kind})]


def _delivery_reasons(need: _Need, offer: Offer) -> list[Reason]:
    offer_units = {unit.pk for unit in offer.delivery_units.all()}
    if not offer_units:
        covered = True
    elif not need.delivery_ids:
        covered = False  # the demand is for the whole province, the offer for part of it
    else:
        covered = need.delivery_ids <= offer_units
    return [Reason("delivery", WEIGHT_DELIVERY if covered else 0, covered, {})]


def _best(
    need: _Need, candidate: _Candidate, districts: Any, *, require_relevance: bool = True
) -> Match | None:
    options: list[Offer | None] = list(candidate.offers) or [None]
    best: Match | None = None
    for offer in options:
        match = _score(need, candidate, offer, districts, require_relevance=require_relevance)
        if match is not None and (best is None or match.score > best.score):
            best = match
    return best


def _districts_for(needs: Iterable[_Need], candidates: Iterable[_Candidate]) -> Any:
    ids: set[int] = set()
    for need in needs:
        ids.update(need.targets)
    for candidate in candidates:
        if candidate.commune is not None:
            ids.add(candidate.commune.pk)
    return former_districts(ids)


# --- the public doors -------------------------------------------------------------------------


def match_demand(
    demand: Demand, *, limit: int | None = 50, on: dt.date | None = None
) -> list[Match]:
    """The ranked candidates for `demand` with their reasons (best first, at most `limit`)."""
    day = on or timezone.localdate()
    need = _need(demand)
    offers_base = open_offers()
    listed = _entries_query(listed_entries(day))
    if demand.min_stars:
        listed = listed.filter(stars__gte=demand.min_stars)
        offers_base = offers_base.filter(product_id__in=listed.values("product_id"))
    offers = list(_offers_query(offers_base))
    relevance = _relevance(need)
    entries_qs = listed
    if relevance is not None:
        entries_qs = listed.filter(relevance | Q(product_id__in=offers_base.values("product_id")))
    candidates = _build_candidates(entries_qs, offers)
    districts = _districts_for([need], candidates)
    matches = [m for c in candidates if (m := _best(need, c, districts)) is not None]
    matches.sort(key=Match.sort_key)
    return matches if limit is None else matches[:limit]


def match_product(
    demand: Demand,
    *,
    product: Product,
    offer: Offer | None = None,
    on: dt.date | None = None,
) -> Match | None:
    """How one product (with one offer, or its best open offer) matches the demand, relevance
    aside: the reasons a contact request keeps. None when it is left out (too few stars)."""
    day = on or timezone.localdate()
    need = _need(demand)
    entries = list(_entries_query(listed_entries(day)).filter(product=product))
    if offer is not None:
        offers = list(_offers_query(Offer.objects.filter(pk=offer.pk)))
    else:
        offers = list(_offers_query(open_offers().filter(product=product)))
    candidates = _build_candidates(entries, offers)
    if not candidates:
        return None
    districts = _districts_for([need], candidates)
    return _best(need, candidates[0], districts, require_relevance=False)


def matches_for_producer(producer: Producer, demands: list[Demand]) -> dict[int, Match]:
    """For each demand (with its buyer and delivery area loaded), the producer's best match, if
    any of its products fits (listed products and open offers). A fixed number of queries."""
    if not demands:
        return {}
    day = timezone.localdate()
    entries = list(_entries_query(listed_entries(day)).filter(producer=producer))
    offers = list(_offers_query(open_offers().filter(producer=producer)))
    candidates = _build_candidates(entries, offers)
    if not candidates:
        return {}
    needs = [_need(demand) for demand in demands]
    districts = _districts_for(needs, candidates)
    found: dict[int, Match] = {}
    for need in needs:
        best: Match | None = None
        for candidate in candidates:
            match = _best(need, candidate, districts)
            if match is not None and (best is None or match.sort_key() < best.sort_key()):
                best = match
        if best is not None:
            found[need.demand.pk] = best
    return found
