from pathlib import Path

import factory
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.core.demo import tiny_png
from ocop.core.services.uploads import store_upload
from ocop.products.models import Product, ProductPhoto

from .producers import ProducerFactory

# Headers are what the platform checks (it never decodes images); the rest is filler.
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
WEBP_BYTES = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def png_bytes(rgb: tuple[int, int, int] = (180, 40, 40)) -> bytes:
    return tiny_png(rgb, size=4)


def upload(name: str = "anh.png", content: bytes | None = None, content_type: str = "image/png"):
    """A file as a browser would send it; the content decides what it is, not the name."""
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type)


def stored_files() -> list[str]:
    """The files under MEDIA_ROOT, as paths relative to it."""
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    name = factory.Sequence(lambda n: f"Gạo nếp cái hoa vàng {n}")
    description = "Sản phẩm thử nghiệm."


class ProductPhotoFactory(factory.django.DjangoModelFactory):
    """A photo with a real stored file under MEDIA_ROOT (the test's own temporary folder)."""

    class Meta:
        model = ProductPhoto

    product = factory.SubFactory(ProductFactory)
    file = factory.LazyFunction(lambda: store_upload(upload()))
    caption = factory.Sequence(lambda n: f"Ảnh {n}")
    position = factory.Sequence(lambda n: n)


def classification_leaf(code: str, criteria_set: str = "qd26-2026"):
    """A node of an imported classification (the `qd26`/`both` fixtures), with its set and
    scorecard loaded."""
    from ocop.criteria.models import ClassificationNode

    return ClassificationNode.objects.select_related("criteria_set", "scorecard").get(
        criteria_set__code=criteria_set, code=code
    )
