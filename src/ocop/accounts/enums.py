from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("system administrator")
    PROVINCE_OFFICER = "province_officer", _("provincial OCOP officer")
    COMMUNE_OFFICER = "commune_officer", _("commune officer")
    COUNCIL_CHAIR = "council_chair", _("council chair")
    COUNCIL_MEMBER = "council_member", _("council member")
    COUNCIL_SECRETARY = "council_secretary", _("council secretary")
    APPROVER = "approver", _("approver")
    PRODUCER_OWNER = "producer_owner", _("producer owner")
    PRODUCER_STAFF = "producer_staff", _("producer staff")
    BUYER = "buyer", _("buyer")


class OrganisationKind(models.TextChoices):
    PLATFORM = "platform", _("platform operator")
    PROVINCE_OFFICE = "province_office", _("provincial OCOP office")
    PROVINCE_COMMITTEE = "province_committee", _("provincial People's Committee")
    COMMUNE_COMMITTEE = "commune_committee", _("commune People's Committee")
    COUNCIL = "council", _("evaluation council")
    PRODUCER = "producer", _("producer")
    BUYER = "buyer", _("buyer")


# Which roles make sense in which kind of organisation.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.PLATFORM: frozenset({Role.ADMIN}),
    OrganisationKind.PROVINCE_OFFICE: frozenset({Role.PROVINCE_OFFICER, Role.ADMIN}),
    OrganisationKind.PROVINCE_COMMITTEE: frozenset({Role.APPROVER}),
    OrganisationKind.COMMUNE_COMMITTEE: frozenset({Role.COMMUNE_OFFICER}),
    OrganisationKind.COUNCIL: frozenset(
        {Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY}
    ),
    OrganisationKind.PRODUCER: frozenset({Role.PRODUCER_OWNER, Role.PRODUCER_STAFF}),
    OrganisationKind.BUYER: frozenset({Role.BUYER}),
}

STAFF_ROLES = frozenset({Role.ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER})
COUNCIL_ROLES = frozenset({Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY})
PRODUCER_ROLES = frozenset({Role.PRODUCER_OWNER, Role.PRODUCER_STAFF})
