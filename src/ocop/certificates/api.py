"""Certificate API. One router (`/api/v1/certificates`), two modules: this one holds the public
endpoints (verification, the register, open data) and is imported first so that its fixed paths
(`/verify/{code}`, `/register`) come before the `/{code}` paths of `api_manage.py` (officials and
producers: certificates, revocations, inspections).

Public, no authentication:

- `GET /verify/{code}`: the state of the certificate (valid, expiring, expired, revoked,
  superseded) with what it certifies, and a message in the caller's language
  (Accept-Language). A code that is unknown, or whose MAC does not match (mistyped, forged or
  altered), answers 404 problem details with the extension member `state: "unknown"`; a text
  that is not shaped like a code answers 400 (`malformed-code`). Never cached.
- `GET /register`: the valid certificates, filtered, paginated (`limit`, `offset`).
"""

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.certificates.models import Certificate
from ocop.certificates.queries.public import (
    MALFORMED,
    RegisterFilters,
    filter_register,
    register_certificates,
    verify_code,
)
from ocop.certificates.schemas import RegisterFiltersIn, RegisterRowOut, VerificationOut
from ocop.core.json import dumps
from ocop.core.problems import PROBLEM_BASE, PROBLEM_CONTENT_TYPE, ProblemOut

router = Router(tags=["certificates"])


def _verification_problem(
    request: HttpRequest, status: int, title: str, *, kind: str, detail: str, state: str | None
) -> HttpResponse:
    """RFC 9457 problem details (as `ocop.core.problems.problem`), with the verification state
    as an extension member when there is one."""
    body: dict[str, object] = {
        "type": PROBLEM_BASE + kind,
        "title": title,
        "status": status,
        "instance": request.get_full_path(),
        "detail": detail,
    }
    if state is not None:
        body["state"] = state
    response = HttpResponse(dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


@router.get(
    "/verify/{code}",
    response={200: VerificationOut, 400: ProblemOut, 404: ProblemOut},
    auth=None,
    summary="Verify a certificate by the code printed on it (public)",
)
def verify(request: HttpRequest, code: str, response: HttpResponse) -> object:
    result = verify_code(code)
    if result.state == MALFORMED:
        return _verification_problem(
            request,
            400,
            _("This is not a verification code."),
            kind="malformed-code",
            detail=result.message,
            state=None,
        )
    if result.certificate is None:
        return _verification_problem(
            request,
            404,
            _("Not found."),
            kind="not-found",
            detail=result.message,
            state=result.state,
        )
    response["Cache-Control"] = "no-store"
    return VerificationOut.from_result(result)


@router.get(
    "/register",
    response=list[RegisterRowOut],
    auth=None,
    summary="The register of valid certificates (public)",
)
@paginate(LimitOffsetPagination)
def register(request: HttpRequest, filters: Query[RegisterFiltersIn]) -> QuerySet[Certificate]:
    return filter_register(
        register_certificates(timezone.localdate()), RegisterFilters(**filters.dict())
    )
