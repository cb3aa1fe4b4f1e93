import factory

from ocop.products.models import Product

from .producers import ProducerFactory


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    name = factory.Sequence(lambda n: f"Gạo nếp cái hoa vàng {n}")
    description = "Sản phẩm thử nghiệm."
