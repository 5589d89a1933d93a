"""Django against Sixfold, and the same against PostgreSQL 15: `migrate` of Django's own
apps (auth, contenttypes, sessions, admin: identity columns, varchar_pattern_ops indexes,
deferrable foreign keys, the post-migrate bulk inserts through multi-array unnest), then
the ORM: users, groups, permissions, a unique violation, bulk_create, annotate and update.
Both servers must give the same results."""

from __future__ import annotations

import uuid

import django
import pytest

from tests.integration.pg_endpoints import postgres_endpoint, sixfold_endpoint  # noqa: F401

pytestmark = pytest.mark.integration



def _configure(endpoints: dict) -> None:
    from django.conf import settings

    if settings.configured:  # one Django per process: a second module run adds its servers
        settings.DATABASES.update(endpoints)
        return
    settings.configure(
        SECRET_KEY="sixfold-test", USE_TZ=True, DATABASES={"default": next(iter(endpoints.values())), **endpoints},
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                        "django.contrib.admin", "django.contrib.messages"],
        SILENCED_SYSTEM_CHECKS=["admin.E403", "admin.E408", "admin.E409", "admin.E410"])
    django.setup()


def _database(ep) -> dict:
    return {"ENGINE": "django.db.backends.postgresql", "NAME": ep.dbname, "USER": ep.user,
            "PASSWORD": ep.password or "", "HOST": ep.host, "PORT": ep.port,
            "OPTIONS": {"connect_timeout": 10}, "TEST": {"MIGRATE": False}}


def _session(alias: str, name: str) -> list:
    from django.contrib.auth.models import Group, Permission, User
    from django.core.management import call_command
    from django.db import IntegrityError, connections, transaction
    from django.db.models import Count

    call_command("migrate", database=alias, verbosity=0, interactive=False)
    out: list = [Permission.objects.using(alias).filter(content_type__app_label="auth").count()]
    u = User.objects.db_manager(alias).create_user(name, "a@b.c", "pw")
    g = Group.objects.using(alias).create(name=f"g_{name}")
    u.groups.add(g)
    g.permissions.add(*Permission.objects.using(alias).filter(codename__startswith="view_"))
    out.append(User.objects.using(alias).filter(groups__name=g.name).count())
    out.append(sorted(p.split(".")[1] for p in u.get_all_permissions() if p.startswith("auth.")))
    try:
        with transaction.atomic(using=alias):
            User.objects.db_manager(alias).create_user(name)
        out.append("no error")
    except IntegrityError as e:
        out.append(e.__cause__.diag.constraint_name)
    made = User.objects.using(alias).bulk_create([User(username=f"{name}_{i}") for i in range(3)])
    out.append([m.pk is not None for m in made])
    out.append(list(User.objects.using(alias).filter(username__startswith=name).order_by("-id")
                    .values_list("username", flat=True)))
    out.append(list(Group.objects.using(alias).filter(name=g.name).annotate(n=Count("user"))
                    .values_list("n", flat=True)))
    out.append(User.objects.using(alias).filter(username__startswith=f"{name}_").update(is_staff=True))
    out.append(User.objects.using(alias).filter(username__icontains=name.upper(), is_staff=True).count())
    connections[alias].close()
    return out


def test_migrate_and_orm_same_as_postgres(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    _configure({"pg": _database(postgres_endpoint), "sixfold": _database(sixfold_endpoint)})
    name = f"u{uuid.uuid4().hex[:8]}"
    want, got = _session("pg", name), _session("sixfold", name)
    assert got == want
    assert want[0] > 0 and want[3] == "auth_user_username_key"
