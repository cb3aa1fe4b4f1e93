"""/api/v1/trade: the supply–demand board over HTTP (authenticated: bearer token or session),
with the loaders and services of the pages.

Anything the caller may not see answers 404 (existence never leaks); a refusal to someone who
sees the object is 403 (`forbidden`: a pending buyer posting); a connection is moved by its two
parties only, anyone else (officials who read it included) gets 404; a move the state does not
allow is 409 (`conflict`); bad input is 422 with the fields named (a negative quantity, an end
before the start, a string where a number is expected). All errors are RFC 9457 problem details.

- `GET/POST /demands`, `GET/PATCH /demands/{code}`, `POST /demands/{code}/status`,
  `GET /demands/{code}/matches` (the buyer's own demands, and officials);
- `GET/POST /offers`, `GET/PATCH /offers/{code}`, `POST /offers/{code}/status`;
- `GET/POST /connections`, `GET /connections/{code}`, `POST /connections/{code}/status`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.accounts.rules import access_for
from ocop.core.problems import Problem
from ocop.evaluation.services.refusals import Refusal
from ocop.products.models import Product
from ocop.trade.models import Connection, Demand, Offer
from ocop.trade.queries.board import (
    access_connection,
    access_demand,
    access_offer,
    can_write_demand,
    connections_visible_to,
    demands_visible_to,
    filter_connections,
    filter_demands,
    filter_offers,
    offers_visible_to,
    with_connection_columns,
    with_demand_columns,
    with_offer_columns,
)
from ocop.trade.queries.buyers import buyer_of
from ocop.trade.queries.matching import match_demand
from ocop.trade.rules import is_trade_official
from ocop.trade.schemas import (
    ConnectionFiltersIn,
    ConnectionIn,
    ConnectionOut,
    DemandFiltersIn,
    DemandIn,
    DemandOut,
    DemandPatch,
    MatchOut,
    OfferFiltersIn,
    OfferIn,
    OfferOut,
    OfferPatch,
    StatusIn,
    match_out,
)
from ocop.trade.services.connections import change_connection_status, request_connection
from ocop.trade.services.demands import change_demand_status, create_demand, update_demand
from ocop.trade.services.offers import change_offer_status, create_offer, update_offer

router = Router(tags=["trade"])


@contextmanager
def refusals_as_problems() -> Iterator[None]:
    """A refusal of the services answers its own status: 403 not allowed, 409 wrong state."""
    try:
        yield
    except Refusal as exc:
        raise Problem(exc.status, exc.text, kind=exc.kind) from None
    except ValidationError as exc:
        # The services' `delivery_units` is the API's `delivery_area`: name the field sent.
        if hasattr(exc, "error_dict") and "delivery_units" in exc.error_dict:
            exc.error_dict["delivery_area"] = exc.error_dict.pop("delivery_units")
        raise


# --- demands ----------------------------------------------------------------------------------


@router.get("/demands", response=list[DemandOut], summary="The demands the caller may see")
@paginate(LimitOffsetPagination)
def list_demands(request: HttpRequest, filters: Query[DemandFiltersIn]) -> QuerySet[Demand]:
    queryset = filter_demands(demands_visible_to(request.auth), **filters.dict())
    return with_demand_columns(queryset).order_by("-created_at", "-pk")


@router.post("/demands", response={201: DemandOut}, summary="Post a demand (an active buyer)")
def post_demand(request: HttpRequest, payload: DemandIn) -> Status:
    """The producers of the best matches are told. 403 for anyone but an active buyer's people;
    422 for bad input (a quantity not above zero, an end before the start …)."""
    with refusals_as_problems():
        demand = create_demand(actor=request.auth, data=payload.service_data())
    return Status(201, access_demand(request.auth, demand.code))


@router.get("/demands/{code}", response=DemandOut, summary="One demand")
def get_demand(request: HttpRequest, code: str) -> Demand:
    return access_demand(request.auth, code)


@router.patch("/demands/{code}", response=DemandOut, summary="Change a demand (its buyer)")
def patch_demand(request: HttpRequest, code: str, payload: DemandPatch) -> Demand:
    demand = access_demand(request.auth, code, write=True)
    with refusals_as_problems():
        update_demand(
            actor=request.auth, demand=demand, data=payload.service_data(exclude_unset=True)
        )
    return access_demand(request.auth, code)


@router.post(
    "/demands/{code}/status",
    response=DemandOut,
    summary="Close, cancel or reopen a demand (its buyer)",
)
def demand_status(request: HttpRequest, code: str, payload: StatusIn) -> Demand:
    demand = access_demand(request.auth, code, write=True)
    with refusals_as_problems():
        change_demand_status(actor=request.auth, demand=demand, to=payload.status)
    return access_demand(request.auth, code)


@router.get(
    "/demands/{code}/matches",
    response=list[MatchOut],
    summary="The ranked producers and products for a demand, with the reasons",
)
def demand_matches(request: HttpRequest, code: str, limit: int = 50) -> list[dict[str, Any]]:
    """For the demand's buyer and for officials (404 for anyone else)."""
    access = access_for(request.auth)
    demand = access_demand(access, code)
    if not (can_write_demand(access, demand) or is_trade_official(access)):
        raise Http404
    limit = max(1, min(limit, 200))
    return [match_out(match) for match in match_demand(demand, limit=limit)]


# --- offers -----------------------------------------------------------------------------------


@router.get("/offers", response=list[OfferOut], summary="The offers the caller may see")
@paginate(LimitOffsetPagination)
def list_offers(request: HttpRequest, filters: Query[OfferFiltersIn]) -> QuerySet[Offer]:
    queryset = filter_offers(offers_visible_to(request.auth), **filters.dict())
    return with_offer_columns(queryset).order_by("-created_at", "-pk")


@router.post("/offers", response={201: OfferOut}, summary="Post an offer (a producer)")
def post_offer(request: HttpRequest, payload: OfferIn) -> Status:
    with refusals_as_problems():
        offer = create_offer(
            actor=request.auth, product=payload.product, data=payload.service_data()
        )
    return Status(201, access_offer(request.auth, offer.code))


@router.get("/offers/{code}", response=OfferOut, summary="One offer")
def get_offer(request: HttpRequest, code: str) -> Offer:
    return access_offer(request.auth, code)


@router.patch("/offers/{code}", response=OfferOut, summary="Change an offer (its producer)")
def patch_offer(request: HttpRequest, code: str, payload: OfferPatch) -> Offer:
    offer = access_offer(request.auth, code, write=True)
    if payload.product not in (None, offer.product.code):
        raise ValidationError({"product": _("The product of an offer cannot be changed.")})
    with refusals_as_problems():
        update_offer(actor=request.auth, offer=offer, data=payload.service_data(exclude_unset=True))
    return access_offer(request.auth, code)


@router.post("/offers/{code}/status", response=OfferOut, summary="Close or reopen an offer")
def offer_status(request: HttpRequest, code: str, payload: StatusIn) -> Offer:
    offer = access_offer(request.auth, code, write=True)
    with refusals_as_problems():
        change_offer_status(actor=request.auth, offer=offer, to=payload.status)
    return access_offer(request.auth, code)


# --- connections ------------------------------------------------------------------------------


@router.get(
    "/connections", response=list[ConnectionOut], summary="The connections the caller may see"
)
@paginate(LimitOffsetPagination)
def list_connections(
    request: HttpRequest, filters: Query[ConnectionFiltersIn]
) -> QuerySet[Connection]:
    queryset = filter_connections(connections_visible_to(request.auth), **filters.dict())
    return with_connection_columns(queryset).order_by("-created_at", "-pk")


def _product(code: str | None) -> Product | None:
    if not code:
        return None
    product = Product.objects.select_related("producer").filter(code=code).first()
    if product is None:
        raise ValidationError({"product": _("There is no product with this code.")})
    return product


@router.post(
    "/connections",
    response={200: ConnectionOut, 201: ConnectionOut},
    summary="Send a contact request (an active buyer)",
)
def post_connection(request: HttpRequest, payload: ConnectionIn) -> Status:
    """201 with the new connection; 200 with the one already made when the same buyer asks
    again about the same demand and producer."""
    access = access_for(request.auth)
    buyer = buyer_of(access)
    offer = None
    if payload.offer:
        offer = offers_visible_to(access).filter(code=payload.offer).first()
        if offer is None:
            raise ValidationError({"offer": _("There is no open offer with this code.")})
    demand = None
    if payload.demand and buyer is not None:
        demand = Demand.objects.filter(code=payload.demand, buyer=buyer).first()
        if demand is None:
            raise ValidationError({"demand": _("Choose one of your demands.")})
    with refusals_as_problems():
        connection, created = request_connection(
            actor=request.auth,
            message=payload.message,
            product=_product(payload.product),
            offer=offer,
            demand=demand,
        )
    return Status(201 if created else 200, access_connection(access, connection.code))


@router.get("/connections/{code}", response=ConnectionOut, summary="One connection")
def get_connection(request: HttpRequest, code: str) -> Connection:
    return access_connection(request.auth, code)


@router.post(
    "/connections/{code}/status",
    response=ConnectionOut,
    summary="Move a connection on (its buyer or its producer)",
)
def connection_status(request: HttpRequest, code: str, payload: StatusIn) -> Connection:
    connection = access_connection(request.auth, code, write=True)  # the parties only, else 404
    with refusals_as_problems():
        change_connection_status(
            actor=request.auth, connection=connection, to=payload.status, note=payload.note
        )
    return access_connection(request.auth, code)
