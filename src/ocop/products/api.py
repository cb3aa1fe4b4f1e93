"""/api/v1/products: the registry over HTTP, with the loaders and services the UI uses.

Anything the caller may not see (or change) answers 404, so existence never leaks; bad input
answers 422 with the names of the fields. Both are RFC 9457 problem details."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.core.views.files import stored_file_response
from ocop.criteria.models import ClassificationNode
from ocop.products.models import Product, ProductPhoto
from ocop.products.queries.classification import find_classification
from ocop.products.queries.products import (
    access_producer_for_products,
    access_product,
    access_product_photo,
    filter_products,
    products_visible_to,
    search_products,
    with_list_columns,
)
from ocop.products.schemas import (
    ClassificationIn,
    PhotoOut,
    ProductDetailOut,
    ProductFilters,
    ProductIn,
    ProductOut,
    ProductPatch,
    ReasonIn,
)
from ocop.products.services.products import (
    add_product_photo,
    archive_product,
    create_product,
    remove_product_photo,
    restore_product,
    update_product,
)

router = Router(tags=["products"])


def _classification(value: ClassificationIn | None) -> ClassificationNode | None:
    """The node named by its codes; an unknown one is a 422 on the field `classification`."""
    if value is None:
        return None
    node = find_classification(value.criteria_set, value.code)
    if node is None:
        raise ValidationError(
            {
                "classification": _("The criteria set %(set)s has no classification %(code)s.")
                % {"set": value.criteria_set, "code": value.code}
            }
        )
    return node


def _data(payload: Any, **dict_options: Any) -> dict[str, Any]:
    data = payload.dict(**dict_options)
    if "classification" in data:
        data["classification"] = _classification(payload.classification)
    return data


@router.get("/", response=list[ProductOut], summary="List the products the caller may see")
@paginate(LimitOffsetPagination)
def list_products(request: HttpRequest, filters: Query[ProductFilters]) -> QuerySet[Product]:
    queryset = filter_products(
        products_visible_to(request.auth),
        status=filters.status,
        producer=filters.producer,
        commune=filters.commune,
        category=filters.category,
    )
    return with_list_columns(search_products(queryset, filters.q or "")).order_by(
        "name_folded", "pk"
    )


@router.post("/", response={201: ProductDetailOut}, summary="Register a product")
def create(request: HttpRequest, payload: ProductIn) -> Status:
    """`producer` is the code of a producer the caller may add products to (404 otherwise);
    `classification` names a leaf of the criteria in force by its codes
    (`{"criteria_set": "qd26-2026", "code": "I.3.b"}`)."""
    producer = access_producer_for_products(request.auth, payload.producer)
    data = _data(payload, exclude={"producer"})
    return Status(201, create_product(actor=request.auth, producer=producer, data=data))


@router.get("/{code}", response=ProductDetailOut, summary="One product, with its photos")
def detail(request: HttpRequest, code: str) -> Product:
    return access_product(request.auth, code)


@router.patch("/{code}", response=ProductDetailOut, summary="Change a product's details")
def update(request: HttpRequest, code: str, payload: ProductPatch) -> Product:
    product = access_product(request.auth, code, write=True)
    data = _data(payload, exclude_unset=True)
    return update_product(actor=request.auth, product=product, data=data)


@router.post("/{code}/archive", response=ProductDetailOut, summary="Archive a product")
def archive(request: HttpRequest, code: str, payload: ReasonIn) -> Product:
    product = access_product(request.auth, code, write=True)
    return archive_product(actor=request.auth, product=product, reason=payload.reason)


@router.post(
    "/{code}/restore", response=ProductDetailOut, summary="Make an archived product active"
)
def restore(request: HttpRequest, code: str, payload: ReasonIn) -> Product:
    product = access_product(request.auth, code, write=True)
    return restore_product(actor=request.auth, product=product, reason=payload.reason)


@router.post("/{code}/photos", response={201: PhotoOut}, summary="Add a photo (multipart)")
def add_photo(
    request: HttpRequest, code: str, file: File[UploadedFile], caption: Form[str] = ""
) -> Status:
    """A JPEG, PNG or WebP image (the content decides, not the name), within the upload limit."""
    product = access_product(request.auth, code, write=True)
    photo = add_product_photo(actor=request.auth, product=product, upload=file, caption=caption)
    return Status(201, photo)


@router.get(
    "/{code}/photos/{file_code}",
    response={200: None},
    url_name="product_photo",
    summary="Download a photo",
)
def photo(request: HttpRequest, code: str, file_code: str) -> FileResponse:
    return stored_file_response(access_product_photo(request.auth, code, file_code).file)


@router.delete("/{code}/photos/{file_code}", response={204: None}, summary="Remove a photo")
def remove_photo(request: HttpRequest, code: str, file_code: str) -> Status:
    item: ProductPhoto = access_product_photo(request.auth, code, file_code, write=True)
    remove_product_photo(actor=request.auth, photo=item)
    return Status(204, None)
