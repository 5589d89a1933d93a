"""Django against Sixfold, and the same against PostgreSQL 15: `migrate` of Django's own
apps (auth, contenttypes, sessions, admin: identity columns, varchar_pattern_ops indexes,
deferrable foreign keys, the post-migrate bulk inserts through multi-array unnest) and of
a small app (`django_shop`: JSON, arrays, UUIDs, numerics, constraints), then the ORM:
users, groups, permissions, bulk_create and bulk_update, JSON and array lookups,
annotations, subqueries, F() updates, select_for_update, constraint violations. Both
servers must give the same results."""

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
                        "django.contrib.admin", "django.contrib.messages", "django.contrib.postgres",
                        "tests.integration.django_shop"],
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


def _shop(alias: str) -> list:
    import datetime
    import decimal

    from django.db import IntegrityError, connections, transaction
    from django.db.models import Avg, Count, F, Max, OuterRef, Q, Subquery, Sum
    from django.db.models.functions import Lower, TruncMonth

    from tests.integration.django_shop.models import Customer, Order

    orders, customers = Order.objects.using(alias), Customer.objects.using(alias)
    orders.all().delete()
    customers.all().delete()
    a = customers.create(name="Ann", email="ann@x.io", prefs={"theme": "dark", "n": 3}, tags=["vip", "eu"])
    b = customers.create(name="Bob", email="bob@x.io", prefs={"theme": "light"}, tags=["us"])
    day = datetime.date(2024, 2, 28)
    orders.bulk_create([Order(customer=a, total=decimal.Decimal("10.50"), placed=day),
                        Order(customer=a, total=decimal.Decimal("3.25"), placed=day + datetime.timedelta(days=1),
                              status="paid"),
                        Order(customer=b, total=decimal.Decimal("7"), placed=day)])
    names = lambda qs: list(qs.order_by("name").values_list("name", flat=True))  # noqa: E731
    out: list = [names(customers.filter(prefs__theme="dark")), names(customers.filter(prefs__n__gte=2)),
                 names(customers.filter(prefs__has_key="n")), names(customers.filter(tags__contains=["vip"])),
                 names(customers.filter(tags__overlap=["us", "x"])), names(customers.filter(name__icontains="AN"))]
    out.append(list(customers.annotate(n=Count("orders"), s=Sum("orders__total")).order_by("name")
                    .values_list("name", "n", "s")))
    out.append(orders.aggregate(t=Sum("total"), a=Avg("total"), m=Max("placed")))
    latest = Order.objects.filter(customer=OuterRef("pk")).order_by("-placed")
    out.append(list(customers.annotate(last=Subquery(latest.values("total")[:1])).order_by("name")
                    .values_list("name", "last")))
    orders.filter(status="new").update(total=F("total") * 2)
    out.append(sorted(orders.values_list("total", flat=True)))
    made = list(orders.order_by("placed", "total"))
    for i, o in enumerate(made):
        o.note = f"n{i}"
    orders.bulk_update(made, ["note"])
    out.append(list(orders.order_by("placed", "total").values_list("note", flat=True)))
    for bad in (lambda: orders.create(customer=a, total=1, placed=day),
                lambda: customers.create(name="", email="e@x.io")):
        try:
            with transaction.atomic(using=alias):
                bad()
            out.append("no error")
        except IntegrityError as e:
            out.append(e.__cause__.diag.constraint_name)
    with transaction.atomic(using=alias):
        c = customers.select_for_update().get(pk=a.pk)
        c.active = False
        c.save()
    out.append(names(customers.filter(Q(active=False) | Q(name__startswith="B"))))
    out.append(list(orders.annotate(m=TruncMonth("placed")).values("m").annotate(c=Count("id")).order_by("m")
                    .values_list("m", "c")))
    out.append(customers.get_or_create(email="ann@x.io", defaults={"name": "X"})[1])
    out.append(list(customers.order_by(Lower("name").desc()).values_list("name", flat=True)))
    out.append(orders.filter(placed__year=2024, placed__month=2).count())
    out.append(list(orders.select_related("customer").order_by("placed", "total")
                    .values_list("customer__name", flat=True)))
    late = day + datetime.timedelta(days=9)
    with transaction.atomic(using=alias):  # an order before its customer: Django's keys are checked at commit
        orders.create(customer_id=987654, total=decimal.Decimal("1"), placed=late)
        customers.create(id=987654, name="Late", email="late@x.io", tags=[])
    out.append(list(orders.filter(placed=late).values_list("customer__name", flat=True)))
    try:
        with transaction.atomic(using=alias):
            orders.create(customer_id=987653, total=1, placed=late)
        out.append("no error")
    except IntegrityError as e:
        out.append(e.__cause__.diag.constraint_name)
    customers.filter(pk=b.pk).delete()
    out.append(orders.count())
    connections[alias].close()
    return out


def test_migrate_and_orm_same_as_postgres(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    _configure({"pg": _database(postgres_endpoint), "sixfold": _database(sixfold_endpoint)})
    name = f"u{uuid.uuid4().hex[:8]}"
    want, got = _session("pg", name), _session("sixfold", name)
    assert got == want
    assert want[0] > 0 and want[3] == "auth_user_username_key"
    shop_want, shop_got = _shop("pg"), _shop("sixfold")
    assert shop_got == shop_want
    assert shop_want[-1] == 3 and "one_order_per_day" in shop_want and "name_not_empty" in shop_want
    assert ["Late"] in shop_want and any(isinstance(x, str) and x.endswith("_fk_shop_customer_id")
                                          for x in shop_want), shop_want
