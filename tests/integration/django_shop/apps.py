from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "tests.integration.django_shop"
    label = "shop"
    default_auto_field = "django.db.models.AutoField"
