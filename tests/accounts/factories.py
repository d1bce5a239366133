import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Organisation, Participant
from core.models import Sector, Territory


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"participante{n}@example.org")
    email = factory.SelfAttribute("username")
    password = factory.django.Password("contraseña-de-prueba-1")

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)


class OrganisationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Colectivo Ciudadano {n}")
    sector = Sector.CIVIL_SOCIETY
    verified = True

    class Meta:
        model = Organisation


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A confirmed participant from Cajamarca province, in civil society."""

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Participante {n}")
    sector = Sector.CIVIL_SOCIETY
    territory = factory.LazyFunction(lambda: Territory.objects.get(slug="cajamarca"))
    terms_accepted_at = factory.LazyFunction(timezone.now)
    email_confirmed_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Participant
