"""Factories shared by the whole suite. App-specific factories live beside their tests
and import from here."""

import factory
from factory.django import DjangoModelFactory

from academy.accounts.models import Group as RoleGroup
from academy.accounts.models import HRScope, User
from academy.territories.models import Kind, Level, Territory


class TerritoryFactory(DjangoModelFactory):
    """Builds units through treebeard so that paths are real.

    ``TerritoryFactory(level="region")`` makes a root; pass ``parent=`` for the others.
    """

    class Meta:
        model = Territory

    code = factory.Sequence(lambda n: f"{n % 90 + 10:02d}")
    level = Level.REGION
    kind = ""
    name_fr = factory.Sequence(lambda n: f"Unité {n}")
    name_ar = factory.Sequence(lambda n: f"وحدة {n}")
    population_2014 = 1000
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.add_root(parent=None, **kwargs)
        parent.refresh_from_db()
        return parent.add_child(parent=parent, **kwargs)


_counter = iter(range(10_000, 10**9))


def region(**kw) -> Territory:
    n = next(_counter)
    return TerritoryFactory(code=f"R{n}", level=Level.REGION, **kw)


def province(parent: Territory, **kw) -> Territory:
    n = next(_counter)
    return TerritoryFactory(code=f"{parent.code}.{n}", level=Level.PROVINCE, parent=parent, **kw)


def commune(parent: Territory, kind=Kind.RURAL, **kw) -> Territory:
    n = next(_counter)
    return TerritoryFactory(
        code=f"{parent.code}.{n}", level=Level.COMMUNE, kind=kind, parent=parent, **kw
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    matricule = factory.Sequence(lambda n: f"M{n:06d}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name_ar = "سعيد"
    last_name_ar = "العلوي"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.ma")
    job_title = "Technicien"
    preferred_language = "fr"
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            from django.contrib.auth.models import Group

            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class HRScopeFactory(DjangoModelFactory):
    class Meta:
        model = HRScope

    user = factory.SubFactory(UserFactory)
    unit = None


def hr_officer(unit: Territory | None, **kw) -> User:
    """An HR officer of ``unit`` (None: national)."""
    user = UserFactory(**kw)
    HRScopeFactory(user=user, unit=unit)
    return user


def trainer(**kw) -> User:
    return UserFactory(groups=[RoleGroup.TRAINERS], **kw)


def reviewer(**kw) -> User:
    return UserFactory(groups=[RoleGroup.REVIEWERS], **kw)


def platform_admin(**kw) -> User:
    return UserFactory(is_superuser=True, is_staff=True, **kw)
