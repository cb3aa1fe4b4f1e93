import datetime as dt
from decimal import Decimal

import factory

from ocop.criteria.enums import CriteriaSetStatus, NodeKind, SourceFormat
from ocop.criteria.models import CriteriaSet, Node, Option, Scorecard


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    """A published criteria set without scorecards (add them with ScorecardFactory)."""

    class Meta:
        model = CriteriaSet

    code = factory.Sequence(lambda n: f"test-set-{n}")
    name = factory.Sequence(lambda n: f"Bộ tiêu chí thử {n}")
    legal_reference = "Quyết định thử"
    in_force_from = dt.date(2030, 1, 1)
    procedure_profile = "test-profile"
    part_maxima = factory.LazyFunction(lambda: {"A": 40, "B": 25, "C": 35})
    status = CriteriaSetStatus.PUBLISHED
    source_format = SourceFormat.BOARDS
    source_file = "test.json"
    source_sha256 = factory.Sequence(lambda n: f"{n:064x}")
    content_sha256 = factory.Sequence(lambda n: f"{n:064x}")


class ScorecardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scorecard

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Bộ sản phẩm thử {n}")
    total_max = Decimal(100)


class NodeFactory(factory.django.DjangoModelFactory):
    """A scorable criterion at level 2 (give `parent` and `level` for other shapes)."""

    class Meta:
        model = Node

    scorecard = factory.SubFactory(ScorecardFactory)
    level = 2
    code = factory.Sequence(lambda n: f"1.{n + 1}")
    title = factory.Sequence(lambda n: f"Tiêu chí {n}")
    display_title = factory.SelfAttribute("title")
    max_points = Decimal(3)
    position = factory.Sequence(lambda n: n)
    kind = NodeKind.CRITERION
    scorable = True


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    node = factory.SubFactory(NodeFactory)
    label_source = factory.Sequence(lambda n: f"Phương án {n}")
    label = factory.SelfAttribute("label_source")
    points = Decimal(1)
    seq = factory.Sequence(lambda n: n + 1)
