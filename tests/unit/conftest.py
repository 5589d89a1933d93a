"""Unit tests translate in this process: check every kept answer of the translator's
per-statement caches against a fresh computation (exprtypes.VERIFY_TABLES_CACHE)."""

from __future__ import annotations

import pytest

from compute_node.pg_sql import exprtypes


@pytest.fixture(autouse=True, scope="session")
def _verify_translation_caches():
    exprtypes.VERIFY_TABLES_CACHE[0] = True
    yield
