"""PostgreSQL SQL on SQLite: statement splitting, translation, catalog emulation, COPY,
type OIDs and value conversion, and the SQLite functions the translated SQL calls."""

from compute_node.pg_sql import sqlglot_fixes

sqlglot_fixes.install()
