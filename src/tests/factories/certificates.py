"""Certificates made directly (for the read side: verification, register, PDF). Tests of the
issuing services go through `issue_certificates_for_decision` instead."""

import datetime as dt
from decimal import Decimal

import factory

from ocop.certificates.enums import Authority, CertificateStatus
from ocop.certificates.models import Certificate
from ocop.certificates.signing import verification_code

from .criteria import CriteriaSetFactory
from .products import ProductFactory


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    product = factory.SubFactory(ProductFactory)
    producer = factory.SelfAttribute("product.producer")
    province = factory.LazyAttribute(lambda o: o.producer.commune.province)
    product_name = factory.SelfAttribute("product.name")
    producer_name = factory.SelfAttribute("producer.name")
    unit_name = factory.LazyAttribute(lambda o: o.producer.commune.name)
    stars = 4
    mean_total = Decimal("78.50")
    criteria_set = factory.SubFactory(CriteriaSetFactory)
    criteria_code = factory.LazyAttribute(lambda o: o.criteria_set.code if o.criteria_set else "")
    criteria_name = factory.LazyAttribute(lambda o: o.criteria_set.name if o.criteria_set else "")
    decision_number = factory.Sequence(lambda n: f"{100 + n}/QĐ-UBND")
    decided_on = dt.date(2026, 6, 15)
    issued_on = factory.SelfAttribute("decided_on")
    expires_on = dt.date(2029, 6, 15)
    year = factory.LazyAttribute(lambda o: o.decided_on.year)
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"{o.sequence:03d}/{o.year}/GCN-OCOP")
    authority = Authority.PROVINCE
    authority_name = "Ủy ban nhân dân thành phố Hà Nội"
    status = CertificateStatus.VALID

    @factory.post_generation
    def sign(obj, create, extracted, **kwargs):
        obj.verification_code = verification_code(obj)
        if create:
            obj.save(update_fields=["verification_code"])
