"""Every write to dossiers (hồ sơ): create (first, upgrade, re-evaluation), Mẫu 01, Mẫu 02,
evidence, and the moves of the dossier machine. The caller has passed the permission loader
(`ocop.evaluation.queries.dossiers.access_dossier(..., action=...)`) before calling.

`change_dossier_status` is the one door through `DOSSIER_TRANSITIONS`: it saves the status,
appends a DossierEvent (the producer's timeline), writes the activity log and notifies the people
concerned, all in one transaction. The procedure (where a dossier enters, whether the commune
pre-assesses and in how many working days, the levels) comes from the criteria set's procedure
profile (`services/procedures.py`), never from the decision's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.enums import PRODUCER_ROLES, Role
from ocop.core.models import StoredFile
from ocop.core.services.activity import log_action, snapshot
from ocop.core.services.uploads import ALL_KINDS, delete_stored_file, stored_upload
from ocop.core.text import nfc
from ocop.criteria.enums import ClassificationLevel, CriteriaSetStatus
from ocop.criteria.models import ClassificationNode, CriteriaSet
from ocop.criteria.services.sets import lock_criteria_set
from ocop.evaluation.enums import (
    DOSSIER_TRANSITIONS,
    OPEN_DOSSIER_STATUSES,
    CommuneConclusion,
    DossierKind,
    DossierStatus,
    EvidenceCategory,
    Level,
    RoundStatus,
    SelfAssessmentStatus,
)
from ocop.evaluation.models import (
    CommuneAssessment,
    Dossier,
    DossierEvent,
    Evidence,
    Round,
    SelfAssessment,
)
from ocop.evaluation.registration import clean_registration, missing_fields
from ocop.evaluation.services.calendar import add_working_days
from ocop.evaluation.services.notifications import notify
from ocop.evaluation.services.procedures import (
    COMMUNE_CRITERIA,
    ProcedureError,
    ProcedureProfile,
    next_level,
    profile_by_code,
)
from ocop.evaluation.services.self_assessment import copy_self_assessment
from ocop.geo.enums import UnitLevel
from ocop.geo.models import AdministrativeUnit
from ocop.products.enums import ProductStatus
from ocop.products.models import Product
from ocop.products.queries.classification import classification_problem

# The statuses in which the producer's people change the dossier's content.
EDITABLE_STATUSES = frozenset({DossierStatus.DRAFT, DossierStatus.RETURNED})
# A product has at most one dossier in these statuses.
UNFINISHED_STATUSES = frozenset({DossierStatus.DRAFT, *OPEN_DOSSIER_STATUSES})
# The last part of the activity-log action of each move (`evaluation.dossier.submit` …).
ACTION_NAMES = {
    DossierStatus.SUBMITTED: "submit",
    DossierStatus.RETURNED: "return",
    DossierStatus.FORWARDED: "forward",
    DossierStatus.ACCEPTED: "accept",
    DossierStatus.WITHDRAWN: "withdraw",
}
STATUS_FIELDS = ("status", "level", "due_on")
TITLE_MAX = 255
TEXT_MAX = 5000
EVIDENCE_MAX = 200
SAMPLES_MAX = 100


# --- helpers --------------------------------------------------------------------------------


def _author(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _today() -> dt.date:
    return timezone.localdate()


def dossier_profile(dossier: Dossier) -> ProcedureProfile:
    """The procedure the dossier was lodged under (recorded on the dossier)."""
    return profile_by_code(dossier.procedure_profile)


def category_codes(scorecard_ids: Iterable[int]) -> dict[int, str]:
    """The product category (I … VI) of each scorecard, from the classification leaves that
    name it (one query, whatever the number of scorecards)."""
    ids = set(scorecard_ids)
    if not ids:
        return {}
    rows = ClassificationNode.objects.filter(scorecard_id__in=ids).values_list(
        "scorecard_id", "level", "code", "parent__level", "parent__code",
        "parent__parent__level", "parent__parent__code",
    )  # fmt: skip
    found: dict[int, str] = {}
    for scorecard_id, *levels_and_codes in rows:
        pairs = zip(levels_and_codes[::2], levels_and_codes[1::2], strict=True)
        for level, code in pairs:
            if level == ClassificationLevel.CATEGORY:
                found.setdefault(scorecard_id, code)
                break
    return found


def category_of(dossier: Dossier) -> str | None:
    return category_codes([dossier.scorecard_id]).get(dossier.scorecard_id)


def _transition_error(dossier: Dossier, current: str, to: str) -> ValidationError:
    return ValidationError(
        {
            "status": _("Dossier %(code)s is “%(current)s”: it cannot become “%(to)s” now.")
            % {
                "code": dossier.code,
                "current": DossierStatus(current).label,
                "to": DossierStatus(to).label,
            }
        }
    )


def _lock(dossier: Dossier) -> str:
    """Lock the dossier's row until the transaction ends; return (and set) its stored status."""
    status, level, round_id = (
        Dossier.objects.select_for_update()
        .values_list("status", "level", "round_id")
        .get(pk=dossier.pk)
    )
    dossier.status, dossier.level, dossier.round_id = status, level, round_id
    return str(status)


def _check_editable(dossier: Dossier) -> None:
    if dossier.status not in EDITABLE_STATUSES:
        raise ValidationError(
            {
                "status": _(
                    "Dossier %(code)s is “%(status)s”: its content can only change while it is "
                    "a draft or has been returned for completion."
                )
                % {"code": dossier.code, "status": DossierStatus(dossier.status).label}
            }
        )


def _text(value: Any, *, limit: int = TEXT_MAX) -> str:
    text = nfc(value or "")
    return text.replace("\x00", "")[:limit] if isinstance(text, str) else ""


def _date_text(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- who is told -----------------------------------------------------------------------------


def producer_people(dossier: Dossier) -> list[Any]:
    """The producer's owners and staff (active users of an active organisation)."""
    user_model = get_user_model()
    return list(
        user_model.objects.filter(
            is_active=True,
            memberships__organisation_id=dossier.producer.organisation_id,
            memberships__organisation__is_active=True,
            memberships__role__in=PRODUCER_ROLES,
        )
        .distinct()
        .order_by("pk")
    )


def office_unit_id(dossier: Dossier, level: str) -> int | None:
    """The administrative unit whose office acts for the dossier at a lower level: its commune,
    or the (old) district of its commune."""
    if level == Level.COMMUNE:
        return dossier.commune_id
    if level == Level.DISTRICT:
        parent = dossier.commune.parent
        return parent.pk if parent is not None and parent.level == UnitLevel.DISTRICT else None
    return None


def office_people(dossier: Dossier, level: str) -> list[Any]:
    """The officers who act on the dossier at `level`: the commune's (or old district's)
    officers, or the provincial OCOP office for the province and the ministry proposal."""
    user_model = get_user_model()
    users = user_model.objects.filter(is_active=True, memberships__organisation__is_active=True)
    if level in (Level.COMMUNE, Level.DISTRICT):
        unit_id = office_unit_id(dossier, level)
        if unit_id is None:
            return []
        users = users.filter(
            memberships__role=Role.COMMUNE_OFFICER, memberships__organisation__unit_id=unit_id
        )
    else:
        users = users.filter(memberships__role=Role.PROVINCE_OFFICER)
    return list(users.distinct().order_by("pk"))


def _recipients(dossier: Dossier, from_status: str, to: str, entry_level: str) -> list[Any]:
    people = producer_people(dossier)
    if to in (DossierStatus.SUBMITTED, DossierStatus.FORWARDED):
        people += office_people(dossier, dossier.level)
    elif to == DossierStatus.ACCEPTED or (
        to == DossierStatus.RETURNED and dossier.level != entry_level
    ):
        # The office that received the dossier hears that it was taken into a round, or sent
        # back to the producer from a level above it.
        people += office_people(dossier, entry_level)
    elif to == DossierStatus.WITHDRAWN and from_status != DossierStatus.DRAFT:
        people += office_people(dossier, dossier.level)
    return people


def dossier_url(dossier: Dossier) -> str:
    return reverse("evaluation:dossier", kwargs={"code": dossier.code})


def _notify_move(
    actor: Any,
    dossier: Dossier,
    from_status: str,
    to: str,
    reason: str,
    also: Iterable[Any],
    *,
    email: bool = True,
) -> None:
    try:
        entry_level = dossier_profile(dossier).entry_level
    except ProcedureError:
        entry_level = Level.COMMUNE
    users = [*_recipients(dossier, from_status, to, entry_level), *also]
    actor_id = getattr(actor, "pk", None)
    users = [user for user in users if user.pk != actor_id]
    values = {
        "code": dossier.code,
        "product": dossier.product.name,
        "status": DossierStatus(to).label,
        "reason": reason,
    }
    if reason:
        message = _("Dossier %(code)s “%(product)s”: %(status)s. Reason: %(reason)s") % values
    else:
        message = _("Dossier %(code)s “%(product)s”: %(status)s.") % values
    notify(users, message, url=dossier_url(dossier), kind="dossier", email=email)


# --- the one transition function --------------------------------------------------------------


@transaction.atomic
def change_dossier_status(
    *,
    actor: Any,
    dossier: Dossier,
    to: str,
    reason: str = "",
    level: str | None = None,
    due_on: dt.date | None = None,
    notify_also: Iterable[Any] = (),
    data: Mapping[str, Any] | None = None,
    email: bool = True,
) -> Dossier:
    """Move the dossier along DOSSIER_TRANSITIONS (anything else is refused and nothing
    changes). `level` is the level the dossier is at after the move (unchanged when None);
    `due_on` the deadline of the new step (none when None). Appends a DossierEvent, writes
    `evaluation.dossier.<verb>` in the activity log and notifies the producer's people and the
    office concerned (plus `notify_also`), except the actor: an in-app notice, and an e-mail
    unless `email=False` (a decision's publication, whose reviewed result mails are the only
    e-mails)."""
    current = _lock(dossier)
    if to not in DOSSIER_TRANSITIONS.get(current, frozenset()):
        raise _transition_error(dossier, current, to)
    if level is not None and level not in Level.values:
        raise ValidationError({"level": _("Unknown level “%(level)s”.") % {"level": level}})
    reason = _text(reason)
    old = snapshot(dossier, STATUS_FIELDS)
    dossier.status = to
    if level is not None:
        dossier.level = level
    dossier.due_on = due_on
    fields = [*STATUS_FIELDS, "updated_at"]
    if to == DossierStatus.SUBMITTED:
        dossier.submitted_at = timezone.now()
        fields.append("submitted_at")
    dossier.save(update_fields=fields)
    DossierEvent.objects.create(
        dossier=dossier,
        from_status=current,
        to_status=to,
        level=dossier.level,
        actor=_author(actor),
        reason=reason,
        due_on=due_on,
    )
    extra = dict(data or {})
    if reason:
        extra["reason"] = reason
    log_action(
        actor,
        f"evaluation.dossier.{ACTION_NAMES.get(DossierStatus(to), 'status')}",
        dossier,
        old=old,
        new=snapshot(dossier, STATUS_FIELDS),
        data=extra,
    )
    _notify_move(actor, dossier, current, to, reason, notify_also, email=email)
    return dossier


# --- create ----------------------------------------------------------------------------------


def _classification_problem(node: ClassificationNode, on: dt.date) -> str | None:
    if on == _today():
        return classification_problem(node)
    if node.scorecard_id is None:
        return classification_problem(node)
    criteria_set = node.criteria_set
    in_force = (
        criteria_set.status != CriteriaSetStatus.DRAFT
        and criteria_set.in_force_from <= on
        and (criteria_set.in_force_to is None or criteria_set.in_force_to >= on)
    )
    if not in_force:
        return _(
            "The criteria set %(set)s was not in force on %(date)s: choose a classification of "
            "the criteria in force then."
        ) % {"set": criteria_set.code, "date": _date_text(on)}
    if node.scorecard is None or not node.scorecard.usable:
        return _(
            "The scorecard of the classification %(code)s is incomplete and cannot be used."
        ) % {"code": node.code}
    return None


def _check_stars(kind: str, current_stars: Any, criteria_set: CriteriaSet) -> int | None:
    certified = sorted(int(level) for level in criteria_set.certified_levels)
    if kind == DossierKind.FIRST:
        if current_stars not in (None, ""):
            raise ValidationError(
                {"current_stars": _("A first evaluation has no current star rating.")}
            )
        return None
    if isinstance(current_stars, bool) or not isinstance(current_stars, int):
        raise ValidationError(
            {
                "current_stars": _(
                    "Give the star rating the product holds now (an upgrade or a "
                    "re-evaluation starts from it)."
                )
            }
        )
    if current_stars not in certified:
        raise ValidationError(
            {
                "current_stars": _("A recognised product holds %(levels)s stars.")
                % {"levels": ", ".join(str(level) for level in certified)}
            }
        )
    if kind == DossierKind.UPGRADE and current_stars >= certified[-1]:
        raise ValidationError(
            {
                "current_stars": _("A %(stars)s-star product cannot be upgraded.")
                % {"stars": current_stars}
            }
        )
    return current_stars


def _lodging_commune(
    commune: AdministrativeUnit | None, product: Product, day: dt.date
) -> AdministrativeUnit:
    """The commune the dossier is lodged in: the producer's, or `commune` when it is a commune
    that existed on `day`."""
    if commune is None:
        return product.producer.commune
    existed = (
        AdministrativeUnit.objects.valid_on(day)
        .filter(pk=commune.pk, level=UnitLevel.COMMUNE)
        .exists()
    )
    if not existed:
        raise ValidationError(
            {
                "commune": _("%(unit)s was not a commune or ward on %(date)s.")
                % {"unit": commune.name, "date": _date_text(day)}
            }
        )
    return commune


def group_label(node: ClassificationNode) -> str:
    """ "I.3.b Chế biến từ gạo, ngũ cốc" as Mẫu 01 asks (ngành, nhóm, phân nhóm)."""
    return f"{node.code} {node.name}"


def _open_dossier(product: Product) -> Dossier | None:
    return (
        Dossier.objects.filter(product=product, status__in=UNFINISHED_STATUSES)
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def create_dossier(
    *,
    actor: Any,
    product: Product,
    kind: str,
    current_stars: int | None = None,
    on: dt.date | None = None,
    classification: ClassificationNode | None = None,
    commune: AdministrativeUnit | None = None,
) -> Dossier:
    """A new draft dossier of `product` on the scorecard of its classification, under the
    procedure profile of that criteria set (which must be in force on `on`, today by default).
    `classification` replaces the product's own classification where the dossier is lodged under
    an earlier criteria set (recording history: a 2019 dossier under QĐ 1048), and `commune`
    the producer's commune where it was lodged in a commune of that time (a commune valid on
    `on`: a 2019 dossier lodged in a commune that ended on 30/6/2025).

    An upgrade or a re-evaluation starts as a copy of the product's last dossier: the Mẫu 01
    answers, the evidence still valid today (carried over: the stored file is shared, not
    copied) and, on the same scorecard, its self-assessment copied into a new draft. A product
    has at most one unfinished dossier.
    """
    if kind not in DossierKind.values:
        raise ValidationError({"kind": _("Choose first evaluation, upgrade or re-evaluation.")})
    # Serialise the creation of dossiers of one product (one unfinished dossier at most).
    Product.objects.select_for_update().filter(pk=product.pk).values_list("pk").first()
    if product.status != ProductStatus.ACTIVE:
        raise ValidationError(
            {"product": _("The product “%(name)s” is archived.") % {"name": product.name}}
        )
    node = classification or product.classification
    if node is None:
        raise ValidationError(
            {
                "product": _(
                    "The product “%(name)s” has no OCOP classification yet: choose its product "
                    "group first, it decides the scorecard."
                )
                % {"name": product.name}
            }
        )
    day = on or _today()
    problem = _classification_problem(node, day)
    if problem:
        raise ValidationError({"product": problem})
    lodged_in = _lodging_commune(commune, product, day)
    criteria_set = node.criteria_set
    scorecard = node.scorecard
    assert scorecard is not None  # checked by _classification_problem
    try:
        profile = profile_by_code(criteria_set.procedure_profile)
    except ProcedureError as exc:
        raise ValidationError({"criteria_set": str(exc)}) from None
    unfinished = _open_dossier(product)
    if unfinished is not None:
        raise ValidationError(
            {
                "product": _(
                    "The product “%(name)s” already has dossier %(code)s (%(status)s): finish or "
                    "withdraw it before starting another."
                )
                % {
                    "name": product.name,
                    "code": unfinished.code,
                    "status": DossierStatus(unfinished.status).label,
                }
            }
        )
    stars = _check_stars(kind, current_stars, criteria_set)
    previous = None
    if kind != DossierKind.FIRST:
        previous = (
            Dossier.objects.filter(product=product)
            .exclude(status=DossierStatus.WITHDRAWN)
            .select_related("self_assessment")
            .order_by("-created_at", "-id")
            .first()
        )
    lock_criteria_set(actor=actor, criteria_set=criteria_set)
    if previous is not None:
        registration = dict(previous.registration)
    else:
        registration = {"product_name": product.name}
        description = _text(product.description, limit=2000)
        if description:
            registration["description"] = description
    registration["product_group"] = group_label(node)
    dossier = Dossier(
        product=product,
        producer=product.producer,
        commune=lodged_in,
        kind=kind,
        criteria_set=criteria_set,
        scorecard=scorecard,
        procedure_profile=profile.code,
        status=DossierStatus.DRAFT,
        level=profile.entry_level,
        previous=previous,
        registration=registration,
        samples_count=0,
        current_stars=stars,
        created_by=_author(actor),
    )
    dossier.save()
    carried = 0
    copied_assessment = None
    if previous is not None:
        today = day
        kept = previous.evidence.filter(Q(expires_on__isnull=True) | Q(expires_on__gt=today))
        copies = [
            Evidence(
                dossier=dossier,
                category=item.category,
                title=item.title,
                file_id=item.file_id,
                issued_on=item.issued_on,
                expires_on=item.expires_on,
                carried_over=True,
            )
            for item in kept.order_by("category", "id")
        ]
        Evidence.objects.bulk_create(copies)
        carried = len(copies)
        source = previous.self_assessment
        if source is not None and source.scorecard_id == scorecard.pk:
            try:
                copied_assessment = copy_self_assessment(actor=actor, assessment=source)
            except ValidationError:
                copied_assessment = None  # the old answers no longer fit: start afresh
            if copied_assessment is not None:
                dossier.self_assessment = copied_assessment
                dossier.save(update_fields=["self_assessment", "updated_at"])
    DossierEvent.objects.create(
        dossier=dossier,
        from_status="",
        to_status=DossierStatus.DRAFT,
        level=dossier.level,
        actor=_author(actor),
    )
    log_action(
        actor,
        "evaluation.dossier.create",
        dossier,
        new=snapshot(
            dossier, ("product", "kind", "criteria_set", "procedure_profile", "status", "level")
        ),
        data={
            "commune": lodged_in.key,
            "scorecard_number": scorecard.number,
            "previous": previous.code if previous else None,
            "evidence_carried_over": carried,
            "self_assessment_copy": copied_assessment.code if copied_assessment else None,
        },
    )
    return dossier


# --- content ---------------------------------------------------------------------------------


@transaction.atomic
def update_registration(
    *,
    actor: Any,
    dossier: Dossier,
    data: Mapping[str, Any],
    samples_count: int | None = None,
) -> Dossier:
    """Change Mẫu 01: the answers given in `data` replace the stored ones (an empty answer
    clears it); `samples_count` is the number of product samples the producer will hand in."""
    _lock(dossier)
    _check_editable(dossier)
    cleaned = clean_registration(data)
    if samples_count is not None and (
        isinstance(samples_count, bool)
        or not isinstance(samples_count, int)
        or not 0 <= samples_count <= SAMPLES_MAX
    ):
        raise ValidationError(
            {"samples_count": _("Enter a whole number from 0 to %(max)s.") % {"max": SAMPLES_MAX}}
        )
    before = dict(dossier.registration)
    after = dict(before)
    for name, value in cleaned.items():
        if value is None:
            after.pop(name, None)
        else:
            after[name] = value
    old: dict[str, Any] = {key: before.get(key) for key in cleaned}
    new: dict[str, Any] = {key: after.get(key) for key in cleaned}
    fields = ["registration", "updated_at"]
    if samples_count is not None:
        old["samples_count"] = dossier.samples_count
        new["samples_count"] = samples_count
        dossier.samples_count = samples_count
        fields.append("samples_count")
    dossier.registration = after
    dossier.save(update_fields=fields)
    log_action(actor, "evaluation.dossier.update", dossier, old=old, new=new)
    return dossier


@transaction.atomic
def attach_self_assessment(*, actor: Any, dossier: Dossier, assessment: SelfAssessment) -> Dossier:
    """Link Mẫu 02 Part III: a final self-assessment of the same product on the dossier's
    scorecard."""
    _lock(dossier)
    _check_editable(dossier)
    if assessment.product_id != dossier.product_id:
        raise ValidationError(
            {
                "self_assessment": _("Self-assessment %(code)s is not of this dossier's product.")
                % {"code": assessment.code}
            }
        )
    if (
        assessment.scorecard_id != dossier.scorecard_id
        or assessment.criteria_set_id != dossier.criteria_set_id
    ):
        raise ValidationError(
            {
                "self_assessment": _(
                    "Self-assessment %(code)s is on another scorecard than the dossier."
                )
                % {"code": assessment.code}
            }
        )
    if assessment.status != SelfAssessmentStatus.FINAL:
        raise ValidationError(
            {
                "self_assessment": _(
                    "Self-assessment %(code)s is still a draft: finalise it first."
                )
                % {"code": assessment.code}
            }
        )
    old = snapshot(dossier, ("self_assessment",))
    dossier.self_assessment = assessment
    dossier.save(update_fields=["self_assessment", "updated_at"])
    log_action(
        actor, "evaluation.dossier.update", dossier, old=old, new={"self_assessment": assessment}
    )
    return dossier


def _clean_date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: _("Enter a valid date.")}) from None


@transaction.atomic
def add_evidence(
    *,
    actor: Any,
    dossier: Dossier,
    category: str,
    title: str,
    upload: Any,
    issued_on: dt.date | str | None = None,
    expires_on: dt.date | str | None = None,
) -> Evidence:
    """A document of the dossier (PDF, JPEG, PNG or WebP), typed by category; a document with
    an expiry date is warned about before it lapses."""
    _lock(dossier)
    _check_editable(dossier)
    errors: dict[str, list[str]] = {}
    if category not in EvidenceCategory.values:
        errors["category"] = [_("Choose the kind of document.")]
    title = " ".join(_text(title).split())
    if not title:
        errors["title"] = [_("Give the document a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("At most %(count)s characters.") % {"count": TITLE_MAX}]
    issued = _clean_date(issued_on, "issued_on")
    expires = _clean_date(expires_on, "expires_on")
    if issued is not None and issued > _today():
        errors["issued_on"] = [_("The issue date cannot be in the future.")]
    if issued is not None and expires is not None and expires < issued:
        errors["expires_on"] = [_("The expiry date cannot be before the issue date.")]
    if Evidence.objects.filter(dossier=dossier).count() >= EVIDENCE_MAX:
        errors["file"] = [
            _("A dossier holds at most %(count)s documents.") % {"count": EVIDENCE_MAX}
        ]
    if upload is None:
        errors["file"] = [_("Choose a file.")]
    if errors:
        raise ValidationError(errors)
    try:
        with stored_upload(upload, user=actor, allowed=ALL_KINDS) as stored:
            evidence = Evidence.objects.create(
                dossier=dossier,
                category=category,
                title=title,
                file=stored,
                issued_on=issued,
                expires_on=expires,
            )
            log_action(
                actor,
                "evaluation.evidence.add",
                dossier,
                data={
                    "category": category,
                    "title": title,
                    "file": stored.code,
                    "expires_on": expires,
                },
            )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"file": exc.messages}) from None
    return evidence


@transaction.atomic
def remove_evidence(*, actor: Any, evidence: Evidence) -> None:
    """Remove a document from the dossier. The stored file goes too, unless another dossier
    still holds it (evidence carried over shares its file)."""
    dossier = evidence.dossier
    _lock(dossier)
    _check_editable(dossier)
    stored: StoredFile = evidence.file
    log_action(
        actor,
        "evaluation.evidence.remove",
        dossier,
        data={"category": evidence.category, "title": evidence.title, "file": stored.code},
    )
    evidence.delete()
    if not Evidence.objects.filter(file=stored).exists():
        delete_stored_file(stored)


# --- what is missing -------------------------------------------------------------------------


def missing_items(
    dossier: Dossier,
    *,
    today: dt.date | None = None,
    category: str | None = None,
    category_known: bool = False,
) -> list[str]:
    """Every piece the dossier still lacks, in words, in the order of the dossier: the Mẫu 01
    answers, a final self-assessment (Mẫu 02, where the procedure asks for the self-assessment
    report), the evidence categories the procedure requires
    (food safety for food, drinks and herbal products), the samples. Empty when complete.

    Reads `dossier.evidence.all()` (prefetch it for lists) and `dossier.self_assessment`;
    pass `category` (with `category_known=True`) when it is already known (lists: one query
    for every row with `category_codes`)."""
    today = today or _today()
    profile = dossier_profile(dossier)
    if not category_known:
        category = category_of(dossier)
    missing = [
        _("Mẫu 01: “%(field)s” is not filled in.") % {"field": field.label}
        for field in missing_fields(dossier.registration or {})
    ]
    assessment = dossier.self_assessment if profile.needs_self_assessment else None
    if profile.needs_self_assessment and assessment is None:
        missing.append(
            _(
                "Mẫu 02: no self-assessment is attached: attach a final self-assessment of "
                "this product."
            )
        )
    elif assessment is not None and assessment.status != SelfAssessmentStatus.FINAL:
        missing.append(
            _("Mẫu 02: self-assessment %(code)s is still a draft: finalise it.")
            % {"code": assessment.code}
        )
    evidence = list(dossier.evidence.all())
    for required in profile.evidence_for(category):
        of_kind = [item for item in evidence if item.category == required]
        label = EvidenceCategory(required).label
        valid = [item for item in of_kind if item.expires_on is None or item.expires_on >= today]
        if valid:
            continue
        if of_kind:
            last = max(item.expires_on for item in of_kind if item.expires_on is not None)
            missing.append(
                _("Evidence: the %(category)s expired on %(date)s: upload a valid one.")
                % {"category": label, "date": _date_text(last)}
            )
        else:
            missing.append(_("Evidence: the %(category)s is missing.") % {"category": label})
    needed = profile.samples_for(category)
    if dossier.samples_count < needed:
        missing.append(
            _("Samples: %(needed)s product samples are needed (%(declared)s declared).")
            % {"needed": needed, "declared": dossier.samples_count}
        )
    return missing


# --- the moves -------------------------------------------------------------------------------


@transaction.atomic
def submit_dossier(*, actor: Any, dossier: Dossier) -> Dossier:
    """Send the dossier to its entry level (the commune, or the district under the three-level
    procedures). Refused with the full list of what is missing; the commune's deadline is the
    profile's working days from today."""
    current = _lock(dossier)
    if DossierStatus.SUBMITTED not in DOSSIER_TRANSITIONS.get(current, frozenset()):
        raise _transition_error(dossier, current, DossierStatus.SUBMITTED)
    dossier.refresh_from_db()  # what is stored now, not what the caller loaded
    missing = missing_items(dossier)
    if missing:
        raise ValidationError({"missing": missing})
    profile = dossier_profile(dossier)
    days = profile.review_days
    due = add_working_days(_today(), days) if days else None
    return change_dossier_status(
        actor=actor,
        dossier=dossier,
        to=DossierStatus.SUBMITTED,
        level=profile.entry_level,
        due_on=due,
    )


def _check_at_entry(dossier: Dossier, profile: ProcedureProfile, current: str) -> None:
    if current != DossierStatus.SUBMITTED or dossier.level != profile.entry_level:
        raise ValidationError(
            {
                "status": _(
                    "Dossier %(code)s is “%(status)s”: only a dossier just submitted can be "
                    "checked at the level that receives it."
                )
                % {"code": dossier.code, "status": DossierStatus(current).label}
            }
        )


def _next_after_entry(profile: ProcedureProfile) -> str:
    """Where a dossier goes when the entry level passes it on: the first level that evaluates
    (the province under 26/2026; the district itself under 148 and 1048)."""
    if profile.entry_level in profile.evaluation_levels:
        return profile.entry_level
    following = next_level(profile, profile.entry_level)
    return following or profile.entry_level


@transaction.atomic
def assess_at_commune(
    *, actor: Any, dossier: Dossier, data: Mapping[str, Any]
) -> CommuneAssessment:
    """The commune's pre-assessment (Mẫu 03): the four contents (met or not, with the
    commune's words), whether the dossier is complete, the report and the conclusion. Forward:
    the dossier goes to the next level of the procedure; return: back to the producer with the
    reasons (required)."""
    current = _lock(dossier)
    profile = dossier_profile(dossier)
    if profile.commune_review is None:
        raise ValidationError(
            {
                "status": _("Under %(procedure)s the commune does not pre-assess dossiers.")
                % {"procedure": profile.name}
            }
        )
    _check_at_entry(dossier, profile, current)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    conclusion = str(data.get("conclusion") or "")
    for name in COMMUNE_CRITERIA:
        text = _text(data.get(name))
        # Forwarding needs the commune's words on each content; a return may stop at the form.
        needed = conclusion == CommuneConclusion.FORWARD and name in profile.commune_review.criteria
        if needed and not text:
            errors[name] = [_("Write the commune's assessment of this content.")]
        values[name] = text
        values[f"{name}_met"] = bool(data.get(f"{name}_met"))
    if conclusion not in CommuneConclusion.values:
        errors["conclusion"] = [_("Choose whether to forward or return the dossier.")]
    completeness_ok = bool(data.get("completeness_ok"))
    reasons = _text(data.get("reasons"))
    report = _text(data.get("report"), limit=20000)
    if conclusion == CommuneConclusion.FORWARD and not completeness_ok:
        errors["completeness_ok"] = [
            _(
                "An incomplete dossier, or one not in the right form, cannot be forwarded: "
                "return it with the reasons."
            )
        ]
    if conclusion == CommuneConclusion.RETURN and not reasons:
        errors["reasons"] = [_("Give the reasons for returning the dossier.")]
    if errors:
        raise ValidationError(errors)
    assessment = CommuneAssessment.objects.create(
        dossier=dossier,
        completeness_ok=completeness_ok,
        conclusion=conclusion,
        report=report,
        reasons=reasons,
        assessed_by=actor,
        **values,
    )
    log_action(
        actor,
        "evaluation.commune_assessment.create",
        assessment,
        new=snapshot(
            assessment,
            (
                "conclusion",
                "completeness_ok",
                "local_materials_met",
                "local_labour_met",
                "idea_origin_met",
                "local_identity_met",
            ),
        ),
        data={"dossier": dossier.code},
    )
    if conclusion == CommuneConclusion.FORWARD:
        change_dossier_status(
            actor=actor,
            dossier=dossier,
            to=DossierStatus.FORWARDED,
            level=_next_after_entry(profile),
            data={"commune_assessment": assessment.pk},
        )
    else:
        change_dossier_status(
            actor=actor,
            dossier=dossier,
            to=DossierStatus.RETURNED,
            reason=reasons,
            data={"commune_assessment": assessment.pk},
        )
    return assessment


@transaction.atomic
def forward_dossier(*, actor: Any, dossier: Dossier, note: str = "") -> Dossier:
    """The entry office passes a dossier on where the procedure has no commune pre-assessment
    (the district under 148 and 1048 checks the form and completeness, then evaluates it)."""
    current = _lock(dossier)
    profile = dossier_profile(dossier)
    if profile.commune_review is not None:
        raise ValidationError(
            {"status": _("The commune forwards this dossier with its assessment report (Mẫu 03).")}
        )
    _check_at_entry(dossier, profile, current)
    return change_dossier_status(
        actor=actor,
        dossier=dossier,
        to=DossierStatus.FORWARDED,
        level=_next_after_entry(profile),
        reason=note,
    )


@transaction.atomic
def accept_dossier(*, actor: Any, dossier: Dossier, round: Round) -> Dossier:
    """The office takes a forwarded dossier into an open evaluation round of its level and
    criteria set."""
    current = _lock(dossier)
    if DossierStatus.ACCEPTED not in DOSSIER_TRANSITIONS.get(current, frozenset()):
        raise _transition_error(dossier, current, DossierStatus.ACCEPTED)
    stored = Round.objects.filter(pk=round.pk).values_list("status", flat=True).first()
    if stored != RoundStatus.OPEN:
        raise ValidationError(
            {"round": _("Round %(name)s is not open for dossiers.") % {"name": round.name}}
        )
    if round.criteria_set_id != dossier.criteria_set_id:
        raise ValidationError(
            {
                "round": _(
                    "Round %(name)s evaluates under another criteria set than the dossier's."
                )
                % {"name": round.name}
            }
        )
    if round.level != dossier.level:
        raise ValidationError(
            {
                "round": _(
                    "Round %(name)s is a round of the %(round_level)s; the dossier is at the "
                    "%(level)s."
                )
                % {
                    "name": round.name,
                    "round_level": Level(round.level).label,
                    "level": Level(dossier.level).label,
                }
            }
        )
    change_dossier_status(
        actor=actor,
        dossier=dossier,
        to=DossierStatus.ACCEPTED,
        data={"round": round.code},
    )
    dossier.round = round
    dossier.save(update_fields=["round", "updated_at"])
    return dossier


@transaction.atomic
def return_dossier(*, actor: Any, dossier: Dossier, reasons: str) -> Dossier:
    """Back to the producer for completion, with the reasons (required); a dossier taken into a
    round leaves it."""
    reasons = _text(reasons)
    current = _lock(dossier)
    if DossierStatus.RETURNED not in DOSSIER_TRANSITIONS.get(current, frozenset()):
        raise _transition_error(dossier, current, DossierStatus.RETURNED)
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for returning the dossier.")})
    round_code = dossier.round.code if dossier.round is not None else None
    change_dossier_status(
        actor=actor,
        dossier=dossier,
        to=DossierStatus.RETURNED,
        reason=reasons,
        data={"round": round_code} if round_code else None,
    )
    if dossier.round_id is not None:
        dossier.round = None
        dossier.save(update_fields=["round", "updated_at"])
    return dossier


@transaction.atomic
def withdraw_dossier(*, actor: Any, dossier: Dossier, reason: str = "") -> Dossier:
    """The producer withdraws the dossier (before a round has accepted it)."""
    return change_dossier_status(
        actor=actor, dossier=dossier, to=DossierStatus.WITHDRAWN, reason=reason
    )
