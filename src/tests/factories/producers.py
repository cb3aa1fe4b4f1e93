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


def valid_mst(seed: int) -> str:
    """A 10-digit MST with the right check digit, different for each seed (province code 01)."""
    from stdnum.vn import mst

    n = seed * 11  # room to skip the numbers whose check digit would be 10
    while True:
        body = f"01{n % 10_000_000:07d}"
        check = mst.calc_check_digit(body)
        if len(check) == 1 and body[2:] != "0000000":
            return body + check
        n += 1


def producer_data(commune, **overrides):
    """Valid input for the producer services and forms (the commune as a unit)."""
    data = {
        "kind": ProducerKind.COOPERATIVE,
        "name": "Hợp tác xã Nông nghiệp Đông Anh",
        "tax_code": "",
        "registration_number": "",
        "registration_date": None,
        "founded_on": None,
        "address": "Thôn Đông, số 5",
        "commune": commune,
        "phone": "",
        "email": "",
        "website": "",
        "representative_name": "Nguyễn Thị Hoa",
        "representative_sex": Sex.FEMALE,
        "representative_ethnicity": "Kinh",
        "representative_disability": False,
        "workforce_total": 10,
        "workforce_local": 8,
    }
    data.update(overrides)
    return data


def producer_form_data(commune, **overrides):
    """What a person types into the producer form (registration, create, edit)."""
    data = {
        "kind": ProducerKind.COOPERATIVE,
        "name": "Hợp tác xã Mây Tre Phú Vinh",
        "tax_code": "",
        "registration_number": "",
        "registration_date": "",
        "founded_on": "",
        "address": "Thôn Phú Vinh",
        "commune": commune.key,
        "phone": "",
        "email": "",
        "website": "",
        "representative_name": "Phạm Văn Tùng",
        "representative_sex": "male",
        "representative_ethnicity": "Kinh",
        "workforce_total": "30",
        "workforce_local": "25",
    }
    data.update(overrides)
    return data
