import pytest
from rest_framework.test import APIClient

from tests.factories import StaffFactory, UserFactory
from ticketsystem.celery import app as celery_app


@pytest.fixture(scope="session", autouse=True)
def celery_tasks_registered():
    """Import every app's tasks module, as a worker does at start."""
    celery_app.loader.import_default_modules()


@pytest.fixture(autouse=True)
def eager_celery():
    """Unit tests run tasks in-process; integration tests start real workers instead."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def user(db):
    return UserFactory(username="requester", email="requester@example.com")


@pytest.fixture
def other_user(db):
    return UserFactory(username="someone-else", email="else@example.com")


@pytest.fixture
def staff(db):
    return StaffFactory(username="agent", email="agent@example.com")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def staff_client(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Django's default PBKDF2 costs ~0.5 s per hash: fine for logins, too slow for fixtures.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters and cached health results must not leak from one test into another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def departments_present(django_db_setup, django_db_blocker):
    """Transactional tests flush every table, data migrations included: put the five back."""
    from tickets.departments import DEPARTMENTS
    from tickets.models import Department

    with django_db_blocker.unblock():
        for department in DEPARTMENTS:
            Department.objects.update_or_create(slug=department["slug"], defaults=department)
