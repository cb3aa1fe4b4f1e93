"""The public points-of-sale API (`/api/v1/points-of-sale`), read-only, no authentication:

- `GET ""`: the open points (not past their last day), by commune and name, filtered by
  `commune` (key), `kind` and `q`; paginated (`limit`, `offset`);
- `GET "/{code}"`: one point with the OCOP products (certificate in force) it carries; a closed,
  ended or unknown point answers 404 problem details.

The same reads as the directory page (`ocop.trade.queries.points`)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.accounts.rules import ANONYMOUS
from ocop.core.problems import ProblemOut
from ocop.trade.models import PointOfSale
from ocop.trade.queries.points import (
    DirectoryFilters,
    access_point_of_sale,
    directory_points,
    listed_products_of,
    with_product_count,
)
from ocop.trade.schemas_points import PointDetailOut, PointFiltersIn, PointRowOut

router = Router(tags=["points of sale"])


@router.get(
    "",
    response=list[PointRowOut],
    auth=None,
    summary="The open points of sale (public)",
)
@paginate(LimitOffsetPagination)
def list_points(request: HttpRequest, filters: Query[PointFiltersIn]) -> QuerySet[PointOfSale]:
    return directory_points(DirectoryFilters.from_query(filters.dict()))


@router.get(
    "/{code}",
    response={200: PointDetailOut, 404: ProblemOut},
    auth=None,
    summary="One open point of sale and the OCOP products it carries (public)",
)
def point_detail(request: HttpRequest, code: str) -> PointOfSale:
    found = access_point_of_sale(ANONYMOUS, code)  # the public's view, whoever asks
    point = with_product_count(PointOfSale.objects.filter(pk=found.pk)).select_related("commune")[0]
    point.products_listed = list(listed_products_of(point))  # type: ignore[attr-defined]
    return point
