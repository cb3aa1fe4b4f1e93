import pytest
from django.utils import translation


@pytest.fixture
def english():
    """Messages in their English msgids, whatever the Vietnamese catalogue says."""
    with translation.override("en"):
        yield
