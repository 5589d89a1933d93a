"""Customers and orders, the models of the test app."""

import uuid
from django.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q, F

class Customer(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    name = models.CharField(max_length=80, db_index=True)
    email = models.EmailField(unique=True)
    joined = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)
    prefs = models.JSONField(default=dict)
    tags = ArrayField(models.CharField(max_length=20), default=list)
    class Meta:
        indexes = [models.Index(fields=["name", "joined"]), models.Index(F("email").desc(), name="email_desc")]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="name_not_empty")]

class Order(models.Model):
    class Status(models.TextChoices):
        NEW = "new"
        PAID = "paid"
        SHIPPED = "shipped"
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    total = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    placed = models.DateField()
    note = models.TextField(blank=True, null=True)
    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "placed"], name="one_order_per_day")]
