"""State management: plans and training.

    plan = PlanFactory(year=2019, unit=province, products_target=300)
    course = TrainingCourseFactory(unit=commune, status=TrainingStatus.OPEN)
    session = TrainingSessionFactory(course=course)
    person = TrainingParticipantFactory(course=course, producer=producer)
    TrainingAttendanceFactory(session=session, participant=person)      # present

The factories write rows directly (for the read side and the permission tests); the tests of
the services go through the services (`save_plan`, `create_course`, `record_attendance` …).
"""

from __future__ import annotations

import datetime as dt

import factory

from ocop.reports.enums import ParticipantKind, TrainingAudience, TrainingStatus
from ocop.reports.models import (
    Plan,
    TrainingAttendance,
    TrainingCourse,
    TrainingParticipant,
    TrainingSession,
)

from .geo import ProvinceFactory


class PlanFactory(factory.django.DjangoModelFactory):
    """The province's plan of a year (Hà Nội, 2019: 300 products)."""

    class Meta:
        model = Plan

    year = 2019
    unit = factory.SubFactory(ProvinceFactory)
    products_target = 300
    stars_3_target = 100
    stars_4_target = 150
    stars_5_target = 5
    reference = "Kế hoạch 100/KH-UBND"


class TrainingCourseFactory(factory.django.DjangoModelFactory):
    """A planned course for producers, of the province, in 2019."""

    class Meta:
        model = TrainingCourse

    title = factory.Sequence(lambda n: f"Tập huấn chương trình OCOP {n}")
    topic = "Xây dựng hồ sơ sản phẩm"
    audience = TrainingAudience.PRODUCERS
    organiser = "Văn phòng điều phối nông thôn mới"
    unit = factory.SubFactory(ProvinceFactory)
    year = 2019
    capacity = None
    status = TrainingStatus.PLANNED


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    course = factory.SubFactory(TrainingCourseFactory)
    starts_on = factory.LazyAttribute(lambda o: dt.date(o.course.year, 5, 6))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=1))
    place = "Hội trường UBND huyện"
    trainer = "Nguyễn Văn Hùng"


class TrainingParticipantFactory(factory.django.DjangoModelFactory):
    """A producer's person, linked to the producer when one is given."""

    class Meta:
        model = TrainingParticipant

    course = factory.SubFactory(TrainingCourseFactory)
    kind = ParticipantKind.PRODUCER
    full_name = factory.Sequence(lambda n: f"Học viên Số {n}")
    organisation_name = factory.LazyAttribute(lambda o: o.producer.name if o.producer else "")
    producer = None


class TrainingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingAttendance

    session = factory.SubFactory(TrainingSessionFactory)
    participant = factory.SubFactory(
        TrainingParticipantFactory, course=factory.SelfAttribute("..session.course")
    )
    present = True
