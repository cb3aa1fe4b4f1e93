"""/api/v1/dossiers: the dossiers over HTTP, with the loaders and services the pages use.

Anything the caller may not see, or may not do, answers 404 (existence never leaks); a move the
status does not allow, or an incomplete dossier, answers 422 problem details whose errors say
why (`missing`: one error per missing piece)."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.accounts.rules import access_for
from ocop.core.views.files import stored_file_response
from ocop.evaluation.models import Dossier, Round, SelfAssessment
from ocop.evaluation.queries.dossiers import (
    access_dossier,
    access_evidence,
    access_product_for_dossier,
    available_actions,
    dossiers_visible_to,
    evidence_of,
    filter_dossiers,
    timeline_of,
    with_list_columns,
)
from ocop.evaluation.schemas_dossiers import (
    AcceptIn,
    AttachIn,
    CommuneAssessmentIn,
    DossierDetailOut,
    DossierFilters,
    DossierIn,
    DossierOut,
    EvidenceOut,
    NoteIn,
    ReasonsIn,
    RegistrationPatch,
)
from ocop.evaluation.services.dossiers import (
    accept_dossier,
    add_evidence,
    assess_at_commune,
    attach_self_assessment,
    create_dossier,
    dossier_profile,
    forward_dossier,
    missing_items,
    remove_evidence,
    return_dossier,
    submit_dossier,
    update_registration,
    withdraw_dossier,
)
from ocop.evaluation.services.procedures import ProcedureError

router = Router(tags=["dossiers"])


def _detail(request: HttpRequest, code: str) -> Dossier:
    """The dossier as the caller sees it now, with what is missing, its timeline, its
    evidence and the moves the caller may make."""
    access = access_for(request.auth)
    dossier = access_dossier(access, code)
    try:
        profile = dossier_profile(dossier)
    except ProcedureError:
        profile = None
    dossier.missing = missing_items(dossier) if profile else []  # type: ignore[attr-defined]
    dossier.timeline = list(timeline_of(dossier))  # type: ignore[attr-defined]
    items = list(evidence_of(dossier))
    for item in items:
        item.dossier = dossier
    dossier.evidence_list = items  # type: ignore[attr-defined]
    dossier.actions = sorted(available_actions(access, dossier, profile))  # type: ignore[attr-defined]
    return dossier


@router.get("", response=list[DossierOut], summary="List the dossiers the caller may see")
@paginate(LimitOffsetPagination)
def list_dossiers(request: HttpRequest, filters: Query[DossierFilters]) -> QuerySet[Dossier]:
    """Newest first. Filters: `status`, `product` (code), `round` (code), `commune` (unit
    key), `overdue`."""
    queryset = filter_dossiers(dossiers_visible_to(request.auth), **filters.dict())
    return with_list_columns(queryset).select_related("criteria_set").order_by("-created_at", "-id")


@router.post(
    "", response={201: DossierDetailOut}, summary="Start a dossier (first, upgrade, re-evaluation)"
)
def create(request: HttpRequest, payload: DossierIn) -> Status:
    """An upgrade or a re-evaluation copies the last dossier (Mẫu 01, still-valid evidence,
    the self-assessment as a new draft). 404 for a product the caller may not lodge for."""
    product = access_product_for_dossier(request.auth, payload.product)
    dossier = create_dossier(
        actor=request.auth,
        product=product,
        kind=payload.kind,
        current_stars=payload.current_stars,
    )
    return Status(201, _detail(request, dossier.code))


@router.get("/{code}", response=DossierDetailOut, summary="One dossier, with what is missing")
def detail(request: HttpRequest, code: str) -> Dossier:
    return _detail(request, code)


@router.patch("/{code}/registration", response=DossierDetailOut, summary="Change Mẫu 01")
def registration(request: HttpRequest, code: str, payload: RegistrationPatch) -> Dossier:
    dossier = access_dossier(request.auth, code, action="edit")
    data = payload.dict(exclude_unset=True)
    samples = data.pop("samples_count", None)
    update_registration(actor=request.auth, dossier=dossier, data=data, samples_count=samples)
    return _detail(request, code)


@router.post(
    "/{code}/self-assessment", response=DossierDetailOut, summary="Attach the final self-assessment"
)
def attach(request: HttpRequest, code: str, payload: AttachIn) -> Dossier:
    dossier = access_dossier(request.auth, code, action="edit")
    assessment = SelfAssessment.objects.filter(
        code=payload.self_assessment, product_id=dossier.product_id
    ).first()
    if assessment is None:
        raise ValidationError(
            {
                "self_assessment": _("There is no self-assessment %(code)s of this product.")
                % {"code": payload.self_assessment}
            }
        )
    attach_self_assessment(actor=request.auth, dossier=dossier, assessment=assessment)
    return _detail(request, code)


@router.post(
    "/{code}/evidence", response={201: EvidenceOut}, summary="Add an evidence document (multipart)"
)
def add_document(
    request: HttpRequest,
    code: str,
    file: File[UploadedFile],
    category: Form[str],
    title: Form[str],
    issued_on: Form[str] = "",
    expires_on: Form[str] = "",
) -> Status:
    """`category` is one of the evidence categories; dates are ISO (YYYY-MM-DD); PDF, JPEG,
    PNG or WebP."""
    dossier = access_dossier(request.auth, code, action="edit")
    evidence = add_evidence(
        actor=request.auth,
        dossier=dossier,
        category=category,
        title=title,
        upload=file,
        issued_on=issued_on or None,
        expires_on=expires_on or None,
    )
    evidence.dossier = dossier
    return Status(201, evidence)


@router.get(
    "/{code}/evidence/{file_code}",
    url_name="dossier_evidence_file",
    summary="Download an evidence document",
)
def evidence_file(request: HttpRequest, code: str, file_code: str) -> FileResponse:
    return stored_file_response(access_evidence(request.auth, code, file_code).file)


@router.delete(
    "/{code}/evidence/{file_code}", response={204: None}, summary="Remove an evidence document"
)
def remove_document(request: HttpRequest, code: str, file_code: str) -> Status:
    item = access_evidence(request.auth, code, file_code, write=True)
    remove_evidence(actor=request.auth, evidence=item)
    return Status(204, None)


@router.post("/{code}/submit", response=DossierDetailOut, summary="Submit the dossier")
def submit(request: HttpRequest, code: str) -> Dossier:
    """422 with one `missing` error per missing piece when the dossier is incomplete."""
    dossier = access_dossier(request.auth, code, action="submit")
    submit_dossier(actor=request.auth, dossier=dossier)
    return _detail(request, code)


@router.post(
    "/{code}/commune-assessment",
    response=DossierDetailOut,
    summary="The commune's assessment (Mẫu 03)",
)
def commune_assessment(request: HttpRequest, code: str, payload: CommuneAssessmentIn) -> Dossier:
    """Forward: the dossier goes to the next level of its procedure; return: back to the
    producer with the reasons (required)."""
    dossier = access_dossier(request.auth, code, action="commune_assess")
    assess_at_commune(actor=request.auth, dossier=dossier, data=payload.dict())
    return _detail(request, code)


@router.post(
    "/{code}/forward", response=DossierDetailOut, summary="Forward (entry level without Mẫu 03)"
)
def forward(request: HttpRequest, code: str, payload: NoteIn) -> Dossier:
    dossier = access_dossier(request.auth, code, action="forward")
    forward_dossier(actor=request.auth, dossier=dossier, note=payload.note)
    return _detail(request, code)


@router.post("/{code}/accept", response=DossierDetailOut, summary="Accept into an open round")
def accept(request: HttpRequest, code: str, payload: AcceptIn) -> Dossier:
    dossier = access_dossier(request.auth, code, action="accept")
    found = Round.objects.filter(code=payload.round).first()
    if found is None:
        raise ValidationError(
            {"round": _("There is no evaluation round %(code)s.") % {"code": payload.round}}
        )
    accept_dossier(actor=request.auth, dossier=dossier, round=found)
    return _detail(request, code)


@router.post(
    "/{code}/return", response=DossierDetailOut, summary="Return to the producer with reasons"
)
def return_(request: HttpRequest, code: str, payload: ReasonsIn) -> Dossier:
    dossier = access_dossier(request.auth, code, action="return")
    return_dossier(actor=request.auth, dossier=dossier, reasons=payload.reasons)
    return _detail(request, code)


@router.post("/{code}/withdraw", response=DossierDetailOut, summary="Withdraw the dossier")
def withdraw(request: HttpRequest, code: str, payload: NoteIn) -> Dossier:
    dossier = access_dossier(request.auth, code, action="withdraw")
    withdraw_dossier(actor=request.auth, dossier=dossier, reason=payload.note)
    return _detail(request, code)
