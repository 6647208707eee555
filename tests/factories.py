import factory
from django.contrib.auth import get_user_model

from tickets.models import Department, Ticket


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or "s3cret-pass")
        if create:
            user.save(update_fields=["password"])


class StaffFactory(UserFactory):
    is_staff = True


class TicketFactory(factory.django.DjangoModelFactory):
    """A stored ticket, written directly: it does not start the pipeline."""

    class Meta:
        model = Ticket

    title = factory.Sequence(lambda n: f"Ticket {n}")
    description = "Something needs attention."
    requester_email = "requester@example.com"
    created_by = factory.SubFactory(UserFactory)


def department(slug: str) -> Department:
    return Department.objects.get(slug=slug)
