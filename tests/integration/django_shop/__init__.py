"""A small Django app (customers and orders: JSON, arrays, UUIDs, numerics, check and
unique constraints, a deferrable foreign key) for test_client_django.py."""
