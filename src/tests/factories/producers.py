import factory

from ocop.accounts.enums import OrganisationKind
from ocop.producers.enums import ProducerKind, ProducerStatus, Sex
from ocop.producers.models import Producer

from .accounts import OrganisationFactory
from .geo import CommuneFactory


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.PRODUCER)
    kind = ProducerKind.COOPERATIVE
    name = factory.Sequence(lambda n: f"Hợp tác xã Thử {n}")
    address = factory.Sequence(lambda n: f"Thôn {n}")
    commune = factory.SubFactory(CommuneFactory)
    representative_name = "Trần Thị Lan"
    representative_sex = Sex.FEMALE
    workforce_total = 20
    workforce_local = 15
    status = ProducerStatus.APPROVED
