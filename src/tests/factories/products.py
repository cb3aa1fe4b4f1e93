import io
from pathlib import Path

import factory
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ocop.core.services.uploads import store_upload
from ocop.products.models import Product, ProductPhoto

from .producers import ProducerFactory


def _image(kind: str, rgb: tuple[int, int, int] = (180, 40, 40), size: int = 4) -> bytes:
    """A real image as Pillow writes it. The platform decodes every photo and stores it
    re-encoded without metadata (`ocop.core.services.uploads.clean_image`); a PNG written by
    Pillow without options comes back byte for byte, so tests can compare what is served."""
    out = io.BytesIO()
    Image.new("RGB", (size, size), rgb).save(out, kind)
    return out.getvalue()


JPEG_BYTES = _image("JPEG")
WEBP_BYTES = _image("WEBP")
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def png_bytes(rgb: tuple[int, int, int] = (180, 40, 40)) -> bytes:
    return _image("PNG", rgb)


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
