import pytest


@pytest.fixture(autouse=True)
def eager_celery():
    """Integration tests publish to the real broker: override the unit tests' eager mode."""
    yield
