"""/api/v1/producers: the registry over HTTP, with the loaders and services the UI uses.

Anything the caller may not see answers 404, so existence never leaks; bad input answers 422
with the names of the fields. Both are RFC 9457 problem details (`ocop.core.problems`)."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.accounts.rules import access_for
from ocop.producers.models import Producer
from ocop.producers.queries.producers import (
    access_producer,
    can_create_producer,
    filter_producers,
    producers_visible_to,
    search_producers,
)
from ocop.producers.schemas import ProducerFilters, ProducerIn, ProducerOut, ProducerPatch, ReasonIn
from ocop.producers.services.producers import (
    approve_producer,
    create_producer,
    register_producer,
    reinstate_producer,
    reject_producer,
    suspend_producer,
    update_producer,
)

router = Router(tags=["producers"])


@router.get("/", response=list[ProducerOut], summary="List the producers the caller may see")
@paginate(LimitOffsetPagination)
def list_producers(
    request: HttpRequest,
    filters: ProducerFilters = Query(...),  # noqa: B008 - ninja's idiom
) -> QuerySet[Producer]:
    queryset = filter_producers(
        producers_visible_to(request.auth).select_related("commune"),
        status=filters.status,
        kind=filters.kind,
        commune=filters.commune,
    )
    return search_producers(queryset, filters.q or "").order_by("name_folded", "pk")


@router.post("/", response={201: ProducerOut}, summary="Register or add a producer")
def create(request: HttpRequest, payload: ProducerIn) -> Status[Producer]:
    """Staff (admin, province office, commune officers) add a producer, approved at once for a
    commune they may approve in, and may name its `owner`. Anyone else registers their own
    producer, which waits for the commune officer's approval."""
    data = payload.dict(exclude={"owner"})
    if can_create_producer(access_for(request.auth)):
        producer = create_producer(actor=request.auth, data=data, owner=payload.owner)
    elif payload.owner:
        raise ValidationError({"owner": _("Only staff may name the owner of a producer.")})
    else:
        producer = register_producer(actor=request.auth, data=data)
    return Status(201, producer)


@router.get("/{code}", response=ProducerOut, summary="One producer")
def detail(request: HttpRequest, code: str) -> Producer:
    return access_producer(request.auth, code)


@router.patch("/{code}", response=ProducerOut, summary="Change a producer's details")
def update(request: HttpRequest, code: str, payload: ProducerPatch) -> Producer:
    producer = access_producer(request.auth, code, write=True)
    data = payload.dict(exclude_unset=True)
    resubmit = bool(data.pop("resubmit", False))
    return update_producer(actor=request.auth, producer=producer, data=data, resubmit=resubmit)


@router.post("/{code}/approve", response=ProducerOut, summary="Approve a pending producer")
def approve(request: HttpRequest, code: str, payload: ReasonIn) -> Producer:
    producer = access_producer(request.auth, code, approve=True)
    return approve_producer(actor=request.auth, producer=producer, reason=payload.reason)


@router.post("/{code}/reject", response=ProducerOut, summary="Reject a pending producer")
def reject(request: HttpRequest, code: str, payload: ReasonIn) -> Producer:
    producer = access_producer(request.auth, code, approve=True)
    return reject_producer(actor=request.auth, producer=producer, reason=payload.reason)


@router.post("/{code}/suspend", response=ProducerOut, summary="Suspend an approved producer")
def suspend(request: HttpRequest, code: str, payload: ReasonIn) -> Producer:
    producer = access_producer(request.auth, code, approve=True)
    return suspend_producer(actor=request.auth, producer=producer, reason=payload.reason)


@router.post("/{code}/reinstate", response=ProducerOut, summary="Reinstate a suspended producer")
def reinstate(request: HttpRequest, code: str, payload: ReasonIn) -> Producer:
    producer = access_producer(request.auth, code, approve=True)
    return reinstate_producer(actor=request.auth, producer=producer, reason=payload.reason)
