"""PostgreSQL catalog relations as SQLite subqueries over sqlite_master and the table-valued
pragmas, substituted wherever a query names them; and answers to the fixed catalog queries
psql and pgbench send (matched by their text) that the translator cannot parse.

A relation's OID is PG_OID_BASE + its rowid in sqlite_master (stable until the schema row
is rewritten)."""

from __future__ import annotations

import base64
import json
import re

from compute_node.pg_sql import (
    domains, enums, extensions, routines, schema, schemas, sequences, system_catalogs, temp_tables, triggers,
    types as pgtypes,
)
from compute_node.pg_sql.lexing import closing_paren, sql_string as _lit

PG_OID_BASE = 16384
PUBLIC_NSP_OID = system_catalogs.NAMESPACES["public"]
CATALOG_NSP_OID = system_catalogs.NAMESPACES["pg_catalog"]
INFO_SCHEMA_NSP_OID = system_catalogs.NAMESPACES["information_schema"]
# The primary key of a table keyed by its rowid has no index of its own in SQLite (the
# table's B-tree is ordered by it); pg_class and pg_index show one with OID this + the
# table's rowid.
ROWID_KEY_OID_BASE = PG_OID_BASE + 300000
# PostgreSQL's OIDs of its system catalogs ('pg_class'::regclass, pg_description.classoid).
SYSTEM_CATALOG_OIDS = {"pg_type": 1247, "pg_attribute": 1249, "pg_proc": 1255, "pg_class": 1259,
                       "pg_database": 1262, "pg_constraint": 2606, "pg_description": 2609, "pg_index": 2610,
                       "pg_namespace": 2615, "pg_attrdef": 2604, "pg_am": 2601, "pg_tablespace": 1213,
                       "pg_sequence": 2224, "pg_trigger": 2620, "pg_extension": 3079, "pg_depend": 2608,
                       "pg_enum": 3501, "pg_language": 2612, "pg_operator": 2617, "pg_opclass": 2616,
                       "pg_opfamily": 2753, "pg_collation": 3456, "pg_conversion": 2607, "pg_cast": 2605,
                       "pg_transform": 3576, "pg_event_trigger": 3466, "pg_rewrite": 2618, "pg_policy": 3256,
                       "pg_publication": 6104, "pg_publication_rel": 6106, "pg_publication_namespace": 6237,
                       "pg_subscription": 6100, "pg_ts_parser": 3601, "pg_ts_template": 3764, "pg_ts_dict": 3600,
                       "pg_ts_config": 3602, "pg_foreign_data_wrapper": 2328, "pg_foreign_server": 1417,
                       "pg_foreign_table": 3118, "pg_default_acl": 826, "pg_statistic_ext": 3381,
                       "pg_inherits": 2611, "pg_largeobject_metadata": 2995, "pg_init_privs": 3394,
                       "pg_amop": 2602, "pg_amproc": 2603, "pg_range": 3541, "pg_partitioned_table": 3350,
                       "pg_seclabel": 3596, "pg_authid": 1260}
PG_CLASS_OID = SYSTEM_CATALOG_OIDS["pg_class"]

_SEQ = sequences.IS_SEQUENCE_SQL  # a sequence is a one-row table (sequences.py)
# pg_class.relhastriggers of table m: user triggers (triggers.py), or foreign keys from or
# to it (PostgreSQL's are internal triggers); psql's \d lists both only when it is set.
_HAS_TRIGGERS = ("(EXISTS (SELECT 1 FROM sqlite_master x WHERE x.type = 'trigger' AND x.tbl_name = m.name "
                 "AND (x.name LIKE 'sixfold\\_trg:%' ESCAPE '\\' OR x.name LIKE 'sixfold\\_con:%' ESCAPE '\\')) "
                 "OR EXISTS (SELECT 1 FROM pragma_foreign_key_list(m.name)) OR m.name IN (SELECT f.\"table\" "
                 "FROM sqlite_master r, pragma_foreign_key_list(r.name) f WHERE r.type = 'table'))")
# pg_class.relchecks of table m: its CHECK constraints (CREATE TABLE's, ALTER TABLE's).
_CHECKS = ("(coalesce(json_array_length(pg_table_checks(m.sql)), 0) + (SELECT count(*) FROM sqlite_master x "
           "WHERE x.type = 'trigger' AND x.tbl_name = m.name AND pg_con_field(x.sql, 'type') = 'c'))")
# Whether table m is a materialized view (table_as.py keeps it as a table with triggers).
_MATVIEW = ("EXISTS (SELECT 1 FROM sqlite_master x WHERE x.type = 'trigger' "
            "AND x.name = 'sixfold_mv:' || m.name || ':i')")
# Whether public was dropped and made again (schemas.py): it has no comment, no ACL then
_PUBLIC_RECREATED = (f"EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'view' "
                     f"AND name = '{schemas.RECREATED_MARKER}')")
# Whether materialized view m holds its query's rows (NULL for other relations)
_POPULATED = ("(SELECT pg_matview_field(x.sql, 'populated') FROM sqlite_master x WHERE x.type = 'trigger' "
              "AND x.name = 'sixfold_mv:' || m.name || ':i')")
# A PRIMARY KEY / UNIQUE constraint added by ALTER TABLE is a unique index whose SQL says
# which (ddl.py): 'p', 'u' or NULL, of index il of the table being described.
_IX_KIND = "pg_index_constraint((SELECT x.sql FROM sqlite_master x WHERE x.type = 'index' AND x.name = il.name))"
_USER_OBJECTS = "type IN ('table', 'view', 'index') AND NOT pg_hidden_object(name)"
# A column's type as declared; a bigserial or bigint identity key of a table made before
# 2026-12-06 (SQLite's AUTOINCREMENT rowid, declared integer) has its type in a comment.
_DECL = "pg_column_type(m.sql, p.name, p.type)"
# An identity column's DEFAULT is pg_identity_next('seq', 'a' | 'd') (serials.sequence_default):
# PostgreSQL shows no default for it, and its kind as attidentity.
_IDENTITY = "p.dflt_value LIKE 'pg_identity_next(%'"
_ATTIDENTITY = ("CASE WHEN p.dflt_value LIKE 'pg_identity_next(%, ''a'')' THEN 'a' "
                f"WHEN {_IDENTITY} THEN 'd' ELSE '' END")
_HAS_DEFAULT = f"(p.dflt_value IS NOT NULL AND upper(p.dflt_value) != 'NULL' AND NOT {_IDENTITY} OR p.hidden IN (2, 3))"

# pg_attrdef's OID of the default of column p of table m
_ATTRDEF_OID = f"{PG_OID_BASE} + 100000 + m.rowid * 1000 + p.cid"
# The sqlite_master rowid of the domain column p of table m was made with (NULL when it was
# made with none, or the domain is gone)
_DOMAIN_HOLDER = (f"(SELECT d.rowid FROM sqlite_master d WHERE d.type = 'view' "
                  f"AND d.name = '{domains.HOLDER_PREFIX}' || pg_column_domain(m.sql, p.name))")

# Whether column p of table m is its rowid key (a single INTEGER PRIMARY KEY), which the
# INSERT translation keeps from NULL whether or not it is declared NOT NULL
_ROWID_KEY = ("(p.pk = 1 AND upper(p.type) = 'INTEGER' AND NOT EXISTS (SELECT 1 FROM pragma_table_info(m.name) q "
              "WHERE q.pk > 1))")

# pg_constraint: primary keys, unique constraints and foreign keys from SQLite's pragmas, with
# pg_condef (pg_get_constraintdef's text), pg_cols (key columns, comma-separated), pg_ncols.
_NOT_INTERNAL = "NOT pg_hidden_object(m.name)"
_COLS = "(SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info(m.name) WHERE pk > 0 ORDER BY pk))"
_IDX_COLS = "(SELECT group_concat(coalesce(name, '?'), ',') FROM pragma_index_info(il.name))"
_ACTION = ("CASE f.{w} WHEN 'NO ACTION' THEN '' WHEN 'CASCADE' THEN ' ON {W} CASCADE' "
           "WHEN 'SET NULL' THEN ' ON {W} SET NULL' WHEN 'SET DEFAULT' THEN ' ON {W} SET DEFAULT' "
           "WHEN 'RESTRICT' THEN ' ON {W} RESTRICT' ELSE '' END")

# conkey: the key's column numbers (attnum), as PostgreSQL's int2[] prints them.
_PK_ATTNUMS = ("('{' || (SELECT group_concat(cid + 1, ',') FROM (SELECT cid FROM pragma_table_info(m.name) "
               "WHERE pk > 0 ORDER BY pk)) || '}')")
_IDX_ATTNUMS = "('{{' || (SELECT group_concat(cid + 1, ',') FROM pragma_index_info({index})) || '}}')"

# a foreign key's DEFERRABLE clause (of m's CREATE TABLE; f its pragma_foreign_key_list rows)
_FK_DEFERRAL = "pg_fk_deferral(m.sql, group_concat(f.\"from\", ','))"
CONSTRAINTS = (
    f"SELECT {PG_OID_BASE} + 200000 + m.rowid * 100 AS oid, m.name || '_pkey' AS conname, 2200 AS connamespace, "
    f"'p' AS contype, {PG_OID_BASE} + m.rowid AS conrelid, 0 AS confrelid, pg_key_index(m.name, NULL) AS conindid, "
    f"0 AS condeferrable, 0 AS condeferred, 1 AS convalidated, {_PK_ATTNUMS} AS conkey, NULL AS confkey, "
    f"'PRIMARY KEY (' || replace({_COLS}, ',', ', ') || ')' AS pg_condef, {_COLS} AS pg_cols, "
    "(SELECT count(*) FROM pragma_table_info(m.name) WHERE pk > 0) AS pg_ncols, 0 AS conparentid, 0 AS contypid "
    f"FROM sqlite_master m WHERE m.type = 'table' AND {_NOT_INTERNAL} "
    "AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE pk > 0) "
    "UNION ALL "
    f"SELECT {PG_OID_BASE} + 200000 + m.rowid * 100 + 1 + il.seq, pg_unique_name(m.sql, m.name, {_IDX_COLS}), "
    f"2200, 'u', {PG_OID_BASE} + m.rowid, 0, (SELECT {PG_OID_BASE} + x.rowid FROM sqlite_master x "
    f"WHERE x.type = 'index' AND x.name = il.name), 0, 0, 1, {_IDX_ATTNUMS.format(index='il.name')}, NULL, "
    f"'UNIQUE (' || replace({_IDX_COLS}, ',', ', ') || ')', {_IDX_COLS}, "
    "(SELECT count(*) FROM pragma_index_info(il.name)), 0, 0 "
    f"FROM sqlite_master m, pragma_index_list(m.name) il WHERE m.type = 'table' AND {_NOT_INTERNAL} "
    "AND il.origin = 'u' "
    "UNION ALL "  # CREATE TABLE's CHECKs, their text kept in a comment (table_checks)
    f"SELECT {PG_OID_BASE} + 2000000 + m.rowid * 100 + c.key, json_extract(c.value, '$.name'), 2200, 'c', "
    f"{PG_OID_BASE} + m.rowid, 0, 0, 0, 0, 1, NULL, NULL, 'CHECK ((' || json_extract(c.value, '$.def') || '))', "
    "NULL, 0, 0, 0 "
    f"FROM sqlite_master m, json_each(pg_table_checks(m.sql)) c WHERE m.type = 'table' AND {_NOT_INTERNAL} "
    "UNION ALL "  # added by ALTER TABLE ADD PRIMARY KEY / UNIQUE: unique indexes that say so
    f"SELECT {PG_OID_BASE} + 500000 + x.rowid, x.name, 2200, pg_index_constraint(x.sql), {PG_OID_BASE} + t.rowid, "
    f"0, {PG_OID_BASE} + x.rowid, 0, 0, 1, {_IDX_ATTNUMS.format(index='x.name')}, NULL, "
    "CASE pg_index_constraint(x.sql) WHEN 'p' THEN 'PRIMARY KEY (' "
    "ELSE 'UNIQUE (' END || (SELECT group_concat(ii.name, ', ') FROM pragma_index_info(x.name) ii) || ')', "
    "(SELECT group_concat(ii.name, ',') FROM pragma_index_info(x.name) ii), "
    "(SELECT count(*) FROM pragma_index_info(x.name)), 0, 0 "
    "FROM sqlite_master x JOIN sqlite_master t ON t.type = 'table' AND t.name = x.tbl_name "
    "WHERE x.type = 'index' AND x.sql LIKE '%/*constraint %' "
    "UNION ALL "
    f"SELECT {PG_OID_BASE} + 200000 + m.rowid * 100 + 50 + f.id, "
    "pg_fk_name(m.sql, m.name, group_concat(f.\"from\", ',')), 2200, 'f', "
    f"{PG_OID_BASE} + m.rowid, (SELECT {PG_OID_BASE} + r.rowid FROM sqlite_master r WHERE r.type = 'table' "
    "AND r.name = f.\"table\"), pg_key_index(f.\"table\", group_concat(f.\"to\", ',')), "
    f"{_FK_DEFERRAL} != '', {_FK_DEFERRAL} LIKE '%DEFERRED', 1, "
    "'{' || group_concat((SELECT p.cid + 1 FROM pragma_table_info(m.name) p WHERE p.name = f.\"from\"), ',') "
    "|| '}', '{' || group_concat((SELECT p.cid + 1 FROM pragma_table_info(f.\"table\") p WHERE "
    "p.name = f.\"to\" OR f.\"to\" IS NULL AND p.pk = f.seq + 1), ',') || '}', "
    "'FOREIGN KEY (' || group_concat(f.\"from\", ', ') || ') REFERENCES ' || f.\"table\" || '(' || "
    "coalesce(group_concat(f.\"to\", ', '), (SELECT group_concat(name, ', ') FROM (SELECT name FROM "
    "pragma_table_info(f.\"table\") WHERE pk > 0 ORDER BY pk))) || ')' || "  # (REFERENCES p: p's key)
    + _ACTION.format(w="on_update", W="UPDATE") + " || "
    + _ACTION.format(w="on_delete", W="DELETE") + f" || {_FK_DEFERRAL}, group_concat(f.\"from\", ','), count(*), 0, 0 "
    f"FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND {_NOT_INTERNAL} "
    "GROUP BY m.rowid, f.id "
    "UNION ALL "  # added by ALTER TABLE: triggers, one of which keeps the constraint in a comment
    f"SELECT {PG_OID_BASE} + 400000 + m.rowid, pg_con_field(m.sql, 'name'), 2200, pg_con_field(m.sql, 'type'), "
    f"{PG_OID_BASE} + c.rowid, coalesce((SELECT {PG_OID_BASE} + r.rowid FROM sqlite_master r WHERE r.type = 'table' "
    "AND r.name = pg_con_field(m.sql, 'parent')), 0), 0, pg_con_field(m.sql, 'def') LIKE '% DEFERRABLE%', "
    "pg_con_field(m.sql, 'def') LIKE '% INITIALLY DEFERRED%', pg_con_field(m.sql, 'valid'), NULL, NULL, "
    "pg_con_field(m.sql, 'def'), pg_con_field(m.sql, 'cols'), pg_con_field(m.sql, 'ncols'), 0, 0 "
    "FROM sqlite_master m JOIN sqlite_master c ON c.type = 'table' AND c.name = m.tbl_name "
    "WHERE m.type = 'trigger' AND instr(m.sql, '/*sixfold_con ') > 0 "
    "UNION ALL "  # a domain's CHECKs (domains.py): on no table, of the domain's type
    f"SELECT {domains.CONSTRAINT_OID_BASE} + d.rowid * 100 + c.key, json_extract(c.value, '$[0]'), 2200, 'c', "
    "0, 0, 0, 0, 0, 1, NULL, NULL, 'CHECK ((' || json_extract(c.value, '$[1]') || '))', NULL, 0, 0, "
    f"{domains.DOMAIN_OID_BASE} + d.rowid "
    f"FROM sqlite_master d, json_each(pg_domain_field(d.sql, 'checks')) c WHERE d.type = 'view' "
    f"AND d.name LIKE '{domains.HOLDER_PREFIX}%'"
)


# Flag columns of the catalog relations below (1/0 in SQLite): typed boolean in results.
BOOL_COLUMNS = frozenset({
    "seqcycle", "cycle",
    "rolsuper", "rolinherit", "rolcreaterole", "rolcreatedb", "rolcanlogin", "rolreplication", "rolbypassrls",
    "relhasindex", "relhasrules", "relhastriggers", "relrowsecurity", "relforcerowsecurity", "relispartition",
    "attnotnull", "atthasdef", "attisdropped", "attislocal", "atthasmissing", "relispopulated", "relisshared",
    "indisunique", "indisprimary", "indisclustered", "indisvalid",
    "indisreplident", "indisexclusion", "indimmediate", "condeferrable", "condeferred", "convalidated",
    "conislocal", "connoinherit", "indisready", "indislive", "indnullsnotdistinct", "indcheckxmin",
    "datistemplate", "datallowconn", "usesuper", "usecreatedb", "userepl", "usebypassrls", "hasindexes",
    "hasrules", "hastriggers", "rowsecurity",
    "proretset", "ispopulated", "prosecdef", "proleakproof", "proisstrict", "tgisinternal", "tgdeferrable", "tginitdeferred",
    "opcdefault", "typnotnull", "typbyval", "typispreferred", "typisdefined", "admin_option", "inhdetachpending",
    "extrelocatable"})

# Each: SQLite SELECT with the relation's columns. {user} and {database} are substituted
# (as SQL string literals) from the session.
# Every index PostgreSQL would have: those made by CREATE INDEX (their own names), SQLite's
# own for PRIMARY KEY / UNIQUE (PostgreSQL's names: t_pkey, t_a_key), and the one an INTEGER
# PRIMARY KEY would have (SQLite's rowid: no index of its own). oid, relname, pg_tbl_name,
# pg_tbl_rowid, indisunique, indisprimary, pg_cols (comma and space), pg_sql.
_IX_COLS = "(SELECT group_concat(ii.name, ', ') FROM pragma_index_info(m.name) ii)"
# pg_index.indkey (int2vector's text): the key columns' attnums in order, 0 for an expression
_IX_KEY = ("(SELECT group_concat(CASE WHEN ii.cid < 0 THEN 0 ELSE ii.cid + 1 END, ' ') "
           "FROM (SELECT cid FROM pragma_index_info(m.name) ORDER BY seqno) ii)")
INDEXES = (
    f"SELECT {PG_OID_BASE} + m.rowid AS oid, "
    "CASE WHEN m.sql IS NOT NULL THEN m.name WHEN il.origin = 'pk' THEN m.tbl_name || '_pkey' "
    f"ELSE m.tbl_name || '_' || replace({_IX_COLS}, ', ', '_') || '_key' END AS relname, "
    "m.tbl_name AS pg_tbl_name, t.rowid AS pg_tbl_rowid, coalesce(il.\"unique\", 0) AS indisunique, "
    f"(coalesce(il.origin = 'pk', 0) OR coalesce(pg_index_constraint(m.sql) = 'p', 0)) AS indisprimary, "
    f"{_IX_COLS} AS pg_cols, m.sql AS pg_sql, {_IX_KEY} AS pg_indkey "
    "FROM sqlite_master m JOIN sqlite_master t ON t.type = 'table' AND t.name = m.tbl_name "
    "LEFT JOIN pragma_index_list(m.tbl_name) il ON il.name = m.name "
    "WHERE m.type = 'index' AND NOT pg_hidden_object(m.tbl_name) "
    "UNION ALL "
    f"SELECT {ROWID_KEY_OID_BASE} + m.rowid, m.name || '_pkey', m.name, m.rowid, 1, 1, p.name, NULL, "
    "CAST(p.cid + 1 AS TEXT) "
    "FROM sqlite_master m JOIN pragma_table_info(m.name) p ON p.pk = 1 WHERE m.type = 'table' "
    "AND NOT pg_hidden_object(m.name) AND upper(p.type) = 'INTEGER' "
    "AND (SELECT count(*) FROM pragma_table_info(m.name) q WHERE q.pk > 0) = 1")


# The built-in types Sixfold has, as PostgreSQL 15's pg_type lists them: (oid, typname,
# typlen, typbyval, typcategory, typispreferred, typinput (its name: typoutput,
# typreceive and typsend follow from it), typalign, typstorage, typelem, typarray).
# The arrays are those a column can hold.
BUILTIN_TYPES = (
    (16, "bool", 1, True, "B", True, "boolin", "c", "p", 0, 1000),
    (17, "bytea", -1, False, "U", False, "byteain", "i", "x", 0, 1001),
    (18, "char", 1, True, "Z", False, "charin", "c", "p", 0, 1002),
    (19, "name", 64, False, "S", False, "namein", "c", "p", 18, 1003),
    (20, "int8", 8, True, "N", False, "int8in", "d", "p", 0, 1016),
    (21, "int2", 2, True, "N", False, "int2in", "s", "p", 0, 1005),
    (23, "int4", 4, True, "N", False, "int4in", "i", "p", 0, 1007),
    (25, "text", -1, False, "S", True, "textin", "i", "x", 0, 1009),
    (26, "oid", 4, True, "N", True, "oidin", "i", "p", 0, 1028),
    (114, "json", -1, False, "U", False, "json_in", "i", "x", 0, 199),
    (700, "float4", 4, True, "N", False, "float4in", "i", "p", 0, 1021),
    (701, "float8", 8, True, "N", True, "float8in", "d", "p", 0, 1022),
    (705, "unknown", -2, False, "X", False, "unknownin", "c", "p", 0, 0),
    (1000, "_bool", -1, False, "A", False, "array_in", "i", "x", 16, 0),
    (1005, "_int2", -1, False, "A", False, "array_in", "i", "x", 21, 0),
    (1007, "_int4", -1, False, "A", False, "array_in", "i", "x", 23, 0),
    (1009, "_text", -1, False, "A", False, "array_in", "i", "x", 25, 0),
    (1014, "_bpchar", -1, False, "A", False, "array_in", "i", "x", 1042, 0),
    (1015, "_varchar", -1, False, "A", False, "array_in", "i", "x", 1043, 0),
    (1016, "_int8", -1, False, "A", False, "array_in", "d", "x", 20, 0),
    (1021, "_float4", -1, False, "A", False, "array_in", "i", "x", 700, 0),
    (1022, "_float8", -1, False, "A", False, "array_in", "d", "x", 701, 0),
    (1028, "_oid", -1, False, "A", False, "array_in", "i", "x", 26, 0),
    (1042, "bpchar", -1, False, "S", False, "bpcharin", "i", "x", 0, 1014),
    (1043, "varchar", -1, False, "S", False, "varcharin", "i", "x", 0, 1015),
    (1082, "date", 4, True, "D", False, "date_in", "i", "p", 0, 1182),
    (1083, "time", 8, True, "D", False, "time_in", "d", "p", 0, 1183),
    (1114, "timestamp", 8, True, "D", False, "timestamp_in", "d", "p", 0, 1115),
    (1184, "timestamptz", 8, True, "D", True, "timestamptz_in", "d", "p", 0, 1185),
    (1186, "interval", 16, False, "T", True, "interval_in", "d", "p", 0, 1187),
    (1231, "_numeric", -1, False, "A", False, "array_in", "i", "x", 1700, 0),
    (1700, "numeric", -1, False, "N", False, "numeric_in", "i", "m", 0, 1231),
    (2950, "uuid", 16, False, "U", False, "uuid_in", "c", "p", 0, 2951),
    (3802, "jsonb", -1, False, "U", False, "jsonb_in", "i", "x", 0, 3807),
)


def serial_column_type(create_sql: str | None, column: str, decltype: str | None) -> str | None:
    """A column's type as PostgreSQL has it: a bigserial or bigint identity key of a table
    made before 2026-12-06 (SQLite's AUTOINCREMENT rowid, declared integer, the type in a
    /*pgtype bigint*/ comment) is bigint, a smallserial smallint; others as declared."""
    if (decltype or "").lower() != "integer" or not create_sql or "/*pgtype " not in create_sql:
        return pgtypes.unmarked(decltype)
    m = re.search(r'(?:"' + re.escape(column.replace('"', '""')) + r'"|\b' + re.escape(column) +
                  r"\b)\s+integer PRIMARY KEY AUTOINCREMENT /\*pgtype (\w+)\*/", create_sql, re.IGNORECASE)
    return m.group(1) if m else decltype


def io_functions(typinput: str) -> tuple[str, str, str, str]:
    """A built-in type's input, output, receive and send functions: boolin's siblings
    are boolout, boolrecv, boolsend; date_in's date_out, date_recv, date_send."""
    for suffixes in (("_in", "_out", "_recv", "_send"), ("in", "out", "recv", "send")):
        if typinput.endswith(suffixes[0]):
            stem = typinput[:-len(suffixes[0])]
            return stem + suffixes[0], stem + suffixes[1], stem + suffixes[2], stem + suffixes[3]
    raise AssertionError(f"a type input function named otherwise: {typinput}")


# The input functions that also take the type's OID and typmod (regprocedure's arguments).
_TYPMOD_INPUTS = {"array_in", "bpcharin", "varcharin", "time_in", "timestamp_in", "timestamptz_in", "interval_in",
                  "numeric_in"}


def io_function_names() -> dict[str, str]:
    """name -> argument list (as regprocedure shows it; '' for the output, receive and
    send functions) of the input and output functions of Sixfold's types, which
    pg_type.typinput and its siblings name."""
    out = {"enum_in": "cstring,oid", "enum_out": "", "enum_recv": "", "enum_send": "",
           "domain_in": "cstring,oid,integer", "domain_recv": "internal,oid,integer"}
    for row in BUILTIN_TYPES:
        tin, tout, trecv, tsend = io_functions(row[6])
        out[tin] = "cstring,oid,integer" if tin in _TYPMOD_INPUTS else "cstring"
        out.update({tout: "", trecv: "", tsend: ""})
    return out


def _builtin_type_rows() -> str:
    rows = []
    for oid, name, length, byval, category, preferred, tin, align, storage, elem, array in BUILTIN_TYPES:
        tin, tout, trecv, tsend = io_functions(tin)
        rows.append(f"({oid}, '{name}', {length}, {int(byval)}, '{category}', {int(preferred)}, '{tin}', "
                    f"'{tout}', '{trecv}', '{tsend}', '{align}', '{storage}', {elem}, {array})")
    return ", ".join(rows)


_PG_TYPE_COLUMNS = (
    "column1 AS oid, column2 AS typname, 11 AS typnamespace, 10 AS typowner, column3 AS typlen, "
    "column4 AS typbyval, 'b' AS typtype, column5 AS typcategory, column6 AS typispreferred, 1 AS typisdefined, "
    "',' AS typdelim, 0 AS typrelid, column13 AS typelem, column14 AS typarray, column7 AS typinput, "
    "column8 AS typoutput, column9 AS typreceive, column10 AS typsend, column11 AS typalign, "
    "column12 AS typstorage, 0 AS typnotnull, 0 AS typbasetype, -1 AS typtypmod, 0 AS typndims, "
    "0 AS typcollation, NULL AS typdefault, NULL AS typacl, NULL AS typdefaultbin")


# A column of an enum type (its holder view, enums.py): information_schema's USER-DEFINED
_ENUM_HOLDER = f"FROM sqlite_master e WHERE e.type = 'view' AND e.name = '{enums.HOLDER_PREFIX}' || lower({_DECL})"
_ENUM_COLUMN = f"EXISTS (SELECT 1 {_ENUM_HOLDER})"
# A column's pg_type.typstorage (functions._type_storage)
_STORAGE = "pg_type_storage(p.type)"
RELATIONS: dict[str, str] = {
    "pg_namespace": (
        "SELECT 11 AS oid, 'pg_catalog' AS nspname, 10 AS nspowner, NULL AS nspacl "
        # public's privileges as PostgreSQL 15 makes them: its owner's, and USAGE for all
        f"UNION ALL SELECT 2200, 'public', 10, CASE WHEN NOT {_PUBLIC_RECREATED} THEN "
        "'{' || {user} || '=UC/' || {user} || ',=U/' || {user} || '}' END "
        "UNION ALL SELECT 13000, 'information_schema', 10, NULL"),
    "pg_class": (
        f"SELECT {PG_OID_BASE} + m.rowid AS oid, m.name AS relname, {PUBLIC_NSP_OID} AS relnamespace, "
        f"CASE WHEN {_MATVIEW} THEN 'm' WHEN m.type = 'view' THEN 'v' WHEN m.{_SEQ} THEN 'S' ELSE 'r' END AS relkind, "
        "10 AS relowner, CASE m.type WHEN 'table' THEN 2 ELSE 0 END AS relam, "
        f"{_CHECKS} AS relchecks, (m.type = 'table' AND (EXISTS (SELECT 1 FROM sqlite_master x "
        "WHERE x.type = 'index' AND x.tbl_name = m.name) OR EXISTS (SELECT 1 FROM pragma_table_info(m.name) "
        "WHERE pk > 0))) AS relhasindex, "
        f"0 AS relhasrules, {_HAS_TRIGGERS} AS relhastriggers, 0 AS relrowsecurity, 0 AS relforcerowsecurity, "
        "0 AS relispartition, 0 AS reltablespace, 0 AS reloftype, 'p' AS relpersistence, "
        "'d' AS relreplident, 0 AS reltoastrelid, NULL AS relpartbound, -1 AS reltuples, 0 AS relpages, "
        "0 AS relhasoids, NULL AS reloptions, NULL AS relacl, "
        "(SELECT count(*) FROM pragma_table_xinfo(m.name) WHERE hidden != 1) AS relnatts, m.tbl_name AS pg_tbl_name, "
        # no row types, no transaction ID wraparound
        "0 AS reltype, 0 AS relfrozenxid, 0 AS relminmxid, 0 AS relisshared, 0 AS relallvisible, "
        f"coalesce({_POPULATED}, 1) AS relispopulated "
        "FROM sqlite_master m WHERE type IN ('table', 'view') AND NOT pg_hidden_object(name) "
        f"UNION ALL SELECT x.oid, x.relname, {PUBLIC_NSP_OID}, 'i', 10, 403, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
        "'p', 'd', 0, NULL, -1, 0, 0, NULL, NULL, (SELECT count(*) FROM pragma_index_info(x.relname)), x.pg_tbl_name, "
        f"0, 0, 0, 0, 0, 1 FROM ({INDEXES}) x"),
    # Sixfold has no row security policies: psql's \dp asks.
    "pg_policy": ("SELECT NULL AS oid, NULL AS polname, NULL AS polrelid, NULL AS polcmd, 1 AS polpermissive, "
                  "NULL AS polroles, NULL AS polqual, NULL AS polwithcheck WHERE 0"),
    "pg_tables": (
        "SELECT 'public' AS schemaname, name AS tablename, {user} AS tableowner, NULL AS tablespace, "
        "EXISTS (SELECT 1 FROM sqlite_master x WHERE x.type = 'index' AND x.tbl_name = m.name) AS hasindexes, "
        "0 AS hasrules, 0 AS hastriggers, 0 AS rowsecurity "
        f"FROM sqlite_master m WHERE m.type = 'table' AND NOT m.{_SEQ} AND {_USER_OBJECTS}"),
    # Materialized views (table_as.py): their query as written.
    "pg_matviews": (
        "SELECT 'public' AS schemaname, m.name AS matviewname, {user} AS matviewowner, NULL AS tablespace, "
        "EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.tbl_name = m.name) AS hasindexes, "
        "coalesce(pg_matview_field(t.sql, 'populated'), 1) AS ispopulated, "
        "' ' || pg_matview_field(t.sql, 'query') || ';' AS definition "
        "FROM sqlite_master m JOIN sqlite_master t ON t.type = 'trigger' AND t.name = 'sixfold_mv:' || m.name || ':i' "
        "WHERE m.type IN ('table', 'view')"),
    "pg_views": (
        "SELECT 'public' AS schemaname, name AS viewname, {user} AS viewowner, pg_view_definition(sql) AS definition "
        f"FROM sqlite_master m WHERE m.type = 'view' AND {_USER_OBJECTS} AND NOT {_MATVIEW}"),
    # SQLite's own indexes for PRIMARY KEY / UNIQUE get PostgreSQL's names (t_pkey,
    # t_a_key); an INTEGER PRIMARY KEY is the rowid (no index in SQLite) and is listed too.
    "pg_indexes": (
        "SELECT 'public' AS schemaname, x.tablename, x.indexname, NULL AS tablespace, "
        "pg_indexes_indexdef(x.sql, x.indexname, x.tablename, x.cols) AS indexdef FROM ("
        "SELECT m.tbl_name AS tablename, m.sql AS sql, "
        "(SELECT group_concat(ii.name, ', ') FROM pragma_index_info(m.name) ii) AS cols, "
        "CASE WHEN m.sql IS NOT NULL THEN m.name WHEN il.origin = 'pk' THEN m.tbl_name || '_pkey' "
        "ELSE m.tbl_name || '_' || (SELECT group_concat(ii.name, '_') FROM pragma_index_info(m.name) ii) "
        "|| '_key' END AS indexname "
        "FROM sqlite_master m LEFT JOIN pragma_index_list(m.tbl_name) il ON il.name = m.name "
        "WHERE m.type = 'index' AND NOT pg_hidden_object(m.tbl_name) "
        "UNION ALL "
        "SELECT m.name, NULL, p.name, m.name || '_pkey' FROM sqlite_master m JOIN pragma_table_info(m.name) p "
        "ON p.pk = 1 WHERE m.type = 'table' AND NOT pg_hidden_object(m.name) "
        "AND upper(p.type) = 'INTEGER' AND (SELECT count(*) FROM pragma_table_info(m.name) q WHERE q.pk > 0) = 1"
        ") x"),
    "pg_attribute": (
        f"SELECT {PG_OID_BASE} + m.rowid AS attrelid, p.name AS attname, "
        f"coalesce((SELECT {enums.ENUM_OID_BASE} + e.rowid {_ENUM_HOLDER}), CASE WHEN pg_column_domain(m.sql, p.name) "
        f"IS NOT NULL THEN {domains.DOMAIN_OID_BASE} + {_DOMAIN_HOLDER} END, pg_type_oid({_DECL})) AS atttypid, "
        f"pg_typmod({_DECL}) AS atttypmod, p.cid + 1 AS attnum, "
        f"(p.\"notnull\" OR {_ROWID_KEY}) AS attnotnull, {_HAS_DEFAULT} AS atthasdef, "
        f"0 AS attisdropped, {_ATTIDENTITY} AS attidentity, "
        "CASE WHEN p.hidden IN (2, 3) THEN 's' ELSE '' END AS attgenerated, "
        "0 AS attcollation, -1 AS attlen, NULL AS attacl, "
        f"p.dflt_value AS pg_default, {_DECL} AS pg_decltype, -1 AS attstattarget, {_STORAGE} AS attstorage, "
        "'i' AS attalign, 1 AS attislocal, 0 AS attinhcount, NULL AS attoptions, NULL AS attfdwoptions, "
        f"'' AS attcompression, 0 AS atthasmissing, NULL AS attmissingval, (instr(p.type, '[') > 0) AS attndims "
        "FROM sqlite_master m, pragma_table_xinfo(m.name) p WHERE m.type IN ('table', 'view') AND p.hidden != 1 "
        "AND NOT pg_hidden_object(m.name)"),
    "pg_type": (f"SELECT {_PG_TYPE_COLUMNS} FROM (VALUES {_builtin_type_rows()}) UNION ALL {enums.PG_TYPE_ROWS} "
                f"UNION ALL {domains.PG_TYPE_ROWS}"),
    # No range types: an empty relation (Rails joins pg_type to it)
    "pg_range": ("SELECT 0 AS rngtypid, 0 AS rngsubtype, 0 AS rngmultitypid, 0 AS rngcollation, 0 AS rngsubopc, "
                 "'-' AS rngcanonical, '-' AS rngsubdiff WHERE 0"),
    "pg_enum": enums.PG_ENUM,
    "pg_index": (
        f"SELECT x.oid AS indexrelid, {PG_OID_BASE} + x.pg_tbl_rowid AS indrelid, x.indisunique, "
        "x.indisprimary, 0 AS indisclustered, 1 AS indisvalid, 0 AS indisreplident, 0 AS indisexclusion, "
        "1 AS indimmediate, x.pg_indkey AS indkey, length(x.pg_indkey) - length(replace(x.pg_indkey, ' ', '')) + 1 "
        "AS indnatts, length(x.pg_indkey) - length(replace(x.pg_indkey, ' ', '')) + 1 AS indnkeyatts, "
        "1 AS indisready, 1 AS indislive, 0 AS indnullsnotdistinct, 0 AS indcheckxmin, "
        "pg_indexdef(x.pg_sql, x.relname, x.pg_tbl_name, x.pg_cols) AS pg_indexdef, "
        # a partial or expression index's deparsed tree: Sixfold has only SQLite's text (0A000 when read)
        "CASE WHEN x.pg_sql LIKE '% WHERE %' THEN pg_raise('0A000', 'the predicate of a partial index is not "
        "available') END AS indpred, CASE WHEN instr(' ' || x.pg_indkey || ' ', ' 0 ') > 0 THEN pg_raise('0A000', "
        "'the expressions of an expression index are not available') END AS indexprs "
        f"FROM ({INDEXES}) x"),
    # Column defaults, as written (a serial's is its nextval(); an identity column has none).
    "pg_attrdef": (
        f"SELECT {_ATTRDEF_OID} AS oid, {PG_OID_BASE} + m.rowid AS adrelid, "
        "p.cid + 1 AS adnum, CASE WHEN p.hidden IN (2, 3) THEN pg_generated_text(m.sql, p.name) "
        "ELSE pg_default_text(p.dflt_value, p.type) END AS adbin "
        "FROM sqlite_master m, pragma_table_xinfo(m.name) p WHERE m.type = 'table' AND NOT pg_hidden_object(m.name) "
        f"AND {_HAS_DEFAULT}"),
    # A sequence owned by a column ('a' a serial's, 'i' an identity's); nothing else is recorded.
    "pg_depend": (
        f"SELECT {PG_CLASS_OID} AS classid, {PG_OID_BASE} + s.rowid AS objid, 0 AS objsubid, "
        f"{PG_CLASS_OID} AS refclassid, {PG_OID_BASE} + m.rowid AS refobjid, p.cid + 1 AS refobjsubid, "
        f"CASE WHEN {_IDENTITY} THEN 'i' ELSE 'a' END AS deptype "
        "FROM sqlite_master m, pragma_table_info(m.name) p, sqlite_master s WHERE m.type = 'table' "
        f"AND (p.dflt_value LIKE 'nextval(%' OR {_IDENTITY}) AND s.type = 'table' "
        "AND s.name = pg_default_sequence(p.dflt_value) AND pg_owns_sequence(s.name, m.name, p.name) "
        # a column's nextval() default on its sequence (dependencies.py)
        f"UNION ALL SELECT {SYSTEM_CATALOG_OIDS['pg_attrdef']}, {_ATTRDEF_OID}, 0, {PG_CLASS_OID}, "
        f"{PG_OID_BASE} + s.rowid, 0, 'n' FROM sqlite_master m, pragma_table_xinfo(m.name) p, sqlite_master s "
        "WHERE m.type = 'table' AND p.dflt_value LIKE 'nextval(%' AND s.type = 'table' "
        "AND s.name = pg_default_sequence(p.dflt_value) "
        # a view or materialized view on each relation its query reads
        f"UNION ALL SELECT {PG_CLASS_OID}, {PG_OID_BASE} + v.rowid, 0, {PG_CLASS_OID}, {PG_OID_BASE} + r.rowid, 0, "
        "'n' FROM sqlite_master v LEFT JOIN sqlite_master t ON t.type = 'trigger' "
        "AND t.name = 'sixfold_mv:' || v.name || ':i', "
        "json_each(pg_referenced_relations(coalesce(pg_matview_field(t.sql, 'query'), "
        "CASE WHEN v.type = 'view' THEN pg_view_definition(v.sql) END))) j, sqlite_master r "
        "WHERE v.type IN ('view', 'table') AND NOT pg_hidden_object(v.name) AND r.name = j.value "
        "AND r.type IN ('table', 'view') AND r.name != v.name"),
    "pg_tablespace": ("SELECT 1663 AS oid, 'pg_default' AS spcname, 10 AS spcowner, NULL AS spcacl, "
                      "NULL AS spcoptions UNION ALL SELECT 1664, 'pg_global', 10, NULL, NULL"),
    # No collations of its own: columns collate as C (an empty relation, with its columns)
    "pg_collation": ("SELECT NULL AS oid, NULL AS collname, NULL AS collnamespace, NULL AS collowner, "
                     "NULL AS collprovider, NULL AS collisdeterministic, NULL AS collencoding, "
                     "NULL AS collcollate, NULL AS collctype, NULL AS colliculocale, NULL AS collversion WHERE 0"),
    "pg_am": ("SELECT 2 AS oid, 'heap' AS amname, 't' AS amtype, 3 AS amhandler "
              "UNION ALL SELECT 403, 'btree', 'i', 330"),
    "pg_database": (
        "SELECT 1 AS oid, {database} AS datname, 10 AS datdba, 6 AS encoding, 'C' AS datcollate, "
        "'C' AS datctype, 0 AS datistemplate, 1 AS datallowconn, 'c' AS datlocprovider, NULL AS daticulocale, "
        "NULL AS datacl, -1 AS datconnlimit, 1663 AS dattablespace, 0 AS datfrozenxid, 0 AS datminmxid, "
        "NULL AS datcollversion"),
    # (PostgreSQL's columns, in its order: `select * from pg_roles` lists them so)
    "pg_roles": ("SELECT {user} AS rolname, 1 AS rolsuper, 1 AS rolinherit, 1 AS rolcreaterole, "
                 "1 AS rolcreatedb, 1 AS rolcanlogin, 0 AS rolreplication, -1 AS rolconnlimit, "
                 "'********' AS rolpassword, NULL AS rolvaliduntil, 0 AS rolbypassrls, NULL AS rolconfig, 10 AS oid"),
    # (no password: Sixfold keeps its one role's elsewhere, and shows no hash of it)
    "pg_authid": ("SELECT 10 AS oid, {user} AS rolname, 1 AS rolsuper, 1 AS rolinherit, 1 AS rolcreaterole, "
                  "1 AS rolcreatedb, 1 AS rolcanlogin, 0 AS rolreplication, 0 AS rolbypassrls, -1 AS rolconnlimit, "
                  "NULL AS rolpassword, NULL AS rolvaliduntil"),
    "pg_auth_members": "SELECT NULL AS roleid, NULL AS member, NULL AS grantor, 0 AS admin_option WHERE 0",
    "pg_user": ("SELECT {user} AS usename, 10 AS usesysid, 1 AS usecreatedb, 1 AS usesuper, 0 AS userepl, "
                "0 AS usebypassrls, '********' AS passwd, NULL AS valuntil, NULL AS useconfig"),
    "pg_settings": "SELECT * FROM pg_settings_rows",  # the session's settings over the server's (settings.py)
    "pg_partitioned_table": ("SELECT NULL AS partrelid, NULL AS partstrat, 0 AS partnatts, NULL AS partdefid, "
                             "NULL AS partattrs, NULL AS partclass, NULL AS partcollation, NULL AS partexprs WHERE 0"),
    "pg_inherits": "SELECT NULL AS inhrelid, NULL AS inhparent, 0 AS inhseqno, 0 AS inhdetachpending WHERE 0",
    "pg_constraint": (
        "SELECT c.*, pg_fk_part(c.pg_condef, 'update') AS confupdtype, pg_fk_part(c.pg_condef, 'delete') "
        f"AS confdeltype, CASE WHEN c.contype = 'f' THEN 's' ELSE ' ' END AS confmatchtype, 1 AS conislocal, "
        f"0 AS coninhcount, 0 AS connoinherit, NULL AS conexclop FROM ({CONSTRAINTS}) c"),
    # What COMMENT ON TABLE / VIEW / COLUMN kept (comments.py): objsubid 0 for the relation.
    "pg_description": (
        f"SELECT {PG_OID_BASE} + m.rowid AS objoid, {PG_CLASS_OID} AS classoid, "
        "CASE d.key WHEN '' THEN 0 ELSE (SELECT p.cid + 1 FROM pragma_table_xinfo(m.name) p WHERE p.name = d.key) "
        "END AS objsubid, d.value AS description "
        "FROM sqlite_master m, json_each(pg_descriptions(m.sql)) d WHERE m.type IN ('table', 'view')" + "".join(
            f" UNION ALL SELECT {oid}, 3079, 0, '{text}'" for oid, text in extensions.descriptions()) +
        f" UNION ALL SELECT {PUBLIC_NSP_OID}, {SYSTEM_CATALOG_OIDS['pg_namespace']}, 0, 'standard public schema' "
        f"WHERE NOT {_PUBLIC_RECREATED}"),
    "pg_proc": routines.catalog_rows_sql(),  # the trigger functions (routines.py)
    "pg_trigger": triggers.catalog_rows_sql(PG_OID_BASE),  # user triggers (triggers.py)
    "pg_sequence": (
        f"SELECT {PG_OID_BASE} + o.rowid AS seqrelid, CASE json_extract(j, '$.as') WHEN 'smallint' THEN 21 "
        "WHEN 'integer' THEN 23 ELSE 20 END AS seqtypid, CAST(json_extract(j, '$.start') AS bigint) AS seqstart, "
        "CAST(json_extract(j, '$.increment') AS bigint) AS seqincrement, "
        "CAST(json_extract(j, '$.maxvalue') AS bigint) AS seqmax, CAST(json_extract(j, '$.minvalue') AS bigint) "
        "AS seqmin, CAST(1 AS bigint) AS seqcache, CAST(json_type(j, '$.cycle') = 'true' AS boolean) AS seqcycle "
        f"FROM (SELECT m.rowid, pg_sequence_options(m.name) AS j FROM sqlite_master m WHERE m.type = 'table' "
        f"AND m.{_SEQ}) o"),
    "pg_sequences": (
        "SELECT 'public' AS schemaname, o.name AS sequencename, {user} AS sequenceowner, "
        "json_extract(j, '$.as') AS data_type, CAST(json_extract(j, '$.start') AS bigint) AS start_value, "
        "CAST(json_extract(j, '$.minvalue') AS bigint) AS min_value, "
        "CAST(json_extract(j, '$.maxvalue') AS bigint) AS max_value, "
        "CAST(json_extract(j, '$.increment') AS bigint) AS increment_by, "
        "CAST(json_type(j, '$.cycle') = 'true' AS boolean) AS cycle, CAST(1 AS bigint) AS cache_size, "
        "CAST(pg_sequence_last_value(o.name) AS bigint) AS last_value "
        "FROM (SELECT m.name, pg_sequence_options(m.name) AS j FROM sqlite_master m WHERE m.type = 'table' "
        f"AND m.{_SEQ} AND NOT pg_hidden_object(m.name)) o"),
    "pg_extension": extensions.catalog_rows_sql(),
    "pg_stat_activity": "SELECT * FROM pg_stat_activity_rows",  # the instance's connections (activity.py)
    **system_catalogs.relations(),
}

INFORMATION_SCHEMA: dict[str, str] = {
    "sequences": (
        "SELECT {database} AS sequence_catalog, 'public' AS sequence_schema, o.name AS sequence_name, "
        "json_extract(j, '$.as') AS data_type, CAST(json_extract(j, '$.start') AS TEXT) AS start_value, "
        "CAST(json_extract(j, '$.minvalue') AS TEXT) AS minimum_value, "
        "CAST(json_extract(j, '$.maxvalue') AS TEXT) AS maximum_value, "
        "CAST(json_extract(j, '$.increment') AS TEXT) AS increment, "
        "CASE WHEN json_type(j, '$.cycle') = 'true' THEN 'YES' ELSE 'NO' END AS cycle_option "
        "FROM (SELECT m.name, pg_sequence_options(m.name) AS j FROM sqlite_master m WHERE m.type = 'table' "
        f"AND m.{_SEQ}) o"),
    "tables": (
        "SELECT {database} AS table_catalog, 'public' AS table_schema, name AS table_name, "
        "CASE type WHEN 'view' THEN 'VIEW' ELSE 'BASE TABLE' END AS table_type, "
        "NULL AS self_referencing_column_name, NULL AS reference_generation, NULL AS user_defined_type_catalog, "
        "NULL AS user_defined_type_schema, NULL AS user_defined_type_name, "
        "CASE type WHEN 'view' THEN 'NO' ELSE 'YES' END AS is_insertable_into, "  # (no DML on a view)
        "'NO' AS is_typed, NULL AS commit_action "
        "FROM sqlite_master m WHERE type IN ('table', 'view') AND NOT pg_hidden_object(name) "
        f"AND NOT (type = 'table' AND {_SEQ}) AND NOT {_MATVIEW}"),
    "columns": (
        "SELECT {database} AS table_catalog, 'public' AS table_schema, m.name AS table_name, "
        "p.name AS column_name, p.cid + 1 AS ordinal_position, pg_default_text(p.dflt_value, p.type) AS column_default, "
        "CASE WHEN p.\"notnull\" OR p.pk = 1 THEN 'NO' ELSE 'YES' END AS is_nullable, "
        f"CASE WHEN {_ENUM_COLUMN} THEN 'USER-DEFINED' ELSE pg_type_name({_DECL}) END AS data_type, "
        "pg_char_max_length(p.type) AS character_maximum_length, "
        f"pg_information_precision({_DECL}, 'numeric_precision') AS numeric_precision, "
        f"pg_information_precision({_DECL}, 'numeric_precision_radix') AS numeric_precision_radix, "
        f"pg_information_precision({_DECL}, 'numeric_scale') AS numeric_scale, "
        f"pg_information_precision({_DECL}, 'datetime_precision') AS datetime_precision, "
        f"CASE WHEN {_ENUM_COLUMN} THEN lower({_DECL}) ELSE pg_udt_name({_DECL}) END AS udt_name, "
        "CASE WHEN p.hidden IN (2, 3) THEN 'ALWAYS' ELSE 'NEVER' END AS is_generated, "
        "CASE WHEN p.hidden IN (2, 3) THEN pg_generated_text(m.sql, p.name) END AS generation_expression, "
        f"CASE WHEN {_IDENTITY} THEN 'YES' ELSE 'NO' END AS is_identity, "
        f"CASE {_ATTIDENTITY} WHEN 'a' THEN 'ALWAYS' WHEN 'd' THEN 'BY DEFAULT' END AS identity_generation "
        "FROM sqlite_master m, pragma_table_xinfo(m.name) p WHERE m.type IN ('table', 'view') AND p.hidden != 1 "
        f"AND NOT pg_hidden_object(m.name) AND NOT (m.type = 'table' AND m.{_SEQ})"),
    # A table's constraints (pg_constraint's), and its NOT NULL columns as CHECKs named as
    # PostgreSQL 15 names them (<namespace oid>_<table oid>_<attnum>_not_null).
    "table_constraints": (
        "SELECT {database} AS constraint_catalog, 'public' AS constraint_schema, c.conname AS constraint_name, "
        "{database} AS table_catalog, 'public' AS table_schema, t.name AS table_name, "
        "CASE c.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' WHEN 'f' THEN 'FOREIGN KEY' "
        "ELSE 'CHECK' END AS constraint_type, CASE WHEN c.condeferrable THEN 'YES' ELSE 'NO' END AS is_deferrable, "
        "CASE WHEN c.condeferred THEN 'YES' ELSE 'NO' END AS initially_deferred, 'YES' AS enforced, "
        "CASE WHEN c.contype = 'u' THEN 'YES' END AS nulls_distinct "
        f"FROM ({CONSTRAINTS}) c JOIN sqlite_master t ON t.type = 'table' AND {PG_OID_BASE} + t.rowid = c.conrelid "
        "WHERE c.contype IN ('p', 'u', 'f', 'c') UNION ALL "
        f"SELECT {{database}}, 'public', '2200_' || ({PG_OID_BASE} + m.rowid) || '_' || (p.cid + 1) || '_not_null', "
        "{database}, 'public', m.name, 'CHECK', 'NO', 'NO', 'YES', NULL "
        "FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND NOT pg_hidden_object(m.name) "
        f"AND NOT m.{_SEQ} AND (p.\"notnull\" OR p.pk > 0)"),
    # Each column of a primary key, unique or foreign key, in the key's order; a foreign key's
    # column also with the position of the column it references in the referenced key.
    "key_column_usage": (
        "SELECT {database} AS constraint_catalog, 'public' AS constraint_schema, c.conname AS constraint_name, "
        "{database} AS table_catalog, 'public' AS table_schema, t.name AS table_name, k.value AS column_name, "
        "k.key + 1 AS ordinal_position, CASE WHEN c.contype = 'f' THEN pg_position_in_key(c.pg_condef, k.key, "
        f"(SELECT json_group_array(u.pg_cols) FROM ({CONSTRAINTS}) u WHERE u.conrelid = c.confrelid "
        "AND u.contype IN ('p', 'u'))) END AS position_in_unique_constraint "
        f"FROM ({CONSTRAINTS}) c JOIN sqlite_master t ON t.type = 'table' AND {PG_OID_BASE} + t.rowid = c.conrelid, "
        "json_each(pg_name_list(c.pg_cols)) k WHERE c.contype IN ('p', 'u', 'f')"),
    "schemata": (
        "SELECT {database} AS catalog_name, column1 AS schema_name, {user} AS schema_owner "
        "FROM (VALUES ('public'), ('pg_catalog'), ('information_schema'))"),
    "views": (
        "SELECT {database} AS table_catalog, 'public' AS table_schema, name AS table_name, "
        "ltrim(pg_view_definition(sql)) AS view_definition, 'NONE' AS check_option, 'NO' AS is_updatable, "
        "'NO' AS is_insertable_into, 'NO' AS is_trigger_updatable, 'NO' AS is_trigger_deletable, "
        "'NO' AS is_trigger_insertable_into FROM sqlite_master m WHERE type = 'view' "
        f"AND NOT {_MATVIEW}"),
}



def relation_sql(schema: str | None, name: str, user: str, database: str, tableoid: bool = False) -> str | None:
    """The SQLite query standing for catalog relation `schema.name`, None when it is not one.
    With `tableoid` (the query names that system column, as pg_dump's do) a pg_catalog
    relation also has it: the catalog's own OID ('pg_class'::regclass), 0 for a view."""
    schema = (schema or "").lower()
    name = name.lower()
    if schema == "information_schema":
        sql = INFORMATION_SCHEMA.get(name)
    elif schema in ("pg_catalog", ""):
        sql = RELATIONS.get(name)
    else:
        return None
    if sql is None:
        return None
    if tableoid and schema != "information_schema":
        sql = f"SELECT {SYSTEM_CATALOG_OIDS.get(name, 0)} AS tableoid, * FROM ({sql})"
    return sql.replace("{user}", _lit(user)).replace("{database}", _lit(database))


# --- fixed queries (matched on whitespace-normalized lower-case text) -----------------------
SIZE_FUNCTIONS = frozenset({"pg_relation_size", "pg_table_size", "pg_indexes_size", "pg_total_relation_size",
                            "pg_database_size", "pg_tablespace_size"})
_BTREE_BYTES = "(SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name {})"
_INDEXES_OF = "IN (SELECT i.name FROM sqlite_master i WHERE i.type = 'index' AND i.tbl_name = r.name)"


def relation_size_sql(function: str, fork: str) -> str:
    """A query for `function` (one of SIZE_FUNCTIONS but pg_database_size) of the
    relation whose OID is its placeholder: NULL for no such relation, as PostgreSQL's.
    Its B-tree's pages (overflow pages included) are the main fork; Sixfold has no free
    space map, visibility map or TOAST (their forks are 0 bytes)."""
    table = _BTREE_BYTES.format("= r.name")
    indexes = _BTREE_BYTES.format(_INDEXES_OF)
    value = {"pg_relation_size": table if fork == "main" else "0", "pg_table_size": table,
             "pg_indexes_size": f"CASE WHEN r.type = 'table' THEN {indexes} ELSE 0 END",
             "pg_total_relation_size": f"{table} + CASE WHEN r.type = 'table' THEN {indexes} ELSE 0 END"}[function]
    # The OID is read in a FROM-less derived table: an unqualified `oid` there is the
    # caller's column, not sqlite_master's rowid alias.
    return (f"SELECT {value} FROM (SELECT :x AS pg_relid) a, sqlite_master r "
            f"WHERE r.rowid = a.pg_relid - {PG_OID_BASE} AND r.type IN ('table', 'view', 'index') "
            "UNION ALL "  # a rowid key's index: its pages are the table's
            f"SELECT 0 FROM (SELECT :x AS pg_relid) a, sqlite_master r "
            f"WHERE r.rowid = a.pg_relid - {ROWID_KEY_OID_BASE} AND r.type = 'table'")


# The volume's bytes; the argument is read in a FROM-less derived table (an unqualified
# `oid` there is the caller's column).
_VOLUME_BYTES = "(SELECT page_count FROM pragma_page_count) * (SELECT page_size FROM pragma_page_size)"


def tablespace_size_sql() -> str:
    """pg_tablespace_size of the tablespace named (or with the OID) in the placeholder:
    pg_default holds the volume's pages, pg_global nothing; another fails (42704)."""
    return f"SELECT pg_tablespace_named(a.pg_name) * {_VOLUME_BYTES} FROM (SELECT :x AS pg_name) a"


def database_size_sql(database: str) -> str:
    """pg_database_size of the database named (or with the OID) in the placeholder: the
    volume's pages; another name fails (3D000) as PostgreSQL's does."""
    return f"SELECT pg_database_named(a.pg_name, {_lit(database)}) * {_VOLUME_BYTES} FROM (SELECT :x AS pg_name) a"


_VIEW_DEFINITION = schema.VIEW_DEFINITION_MARK
# The comment's version: 2 since views are inlined and their definitions follow renames
# (views.py trusts them); 1 ("/* sixfold view definition: ...") before.
_KEPT_CURRENT = " 2: "


def view_definition_comment(pg_query: str) -> str:
    """The comment a view's SQLite CREATE VIEW carries: its query as written (base64, so
    no text can end the comment)."""
    encoded = base64.b64encode(pg_query.strip().rstrip(";").strip().encode()).decode()
    return _VIEW_DEFINITION + _KEPT_CURRENT + encoded + " */"


def view_definition_kept_current(create_sql: str) -> bool:
    """Whether the view's definition comment is of the version renames keep current."""
    at = create_sql.rfind(_VIEW_DEFINITION)
    return at >= 0 and create_sql.startswith(_KEPT_CURRENT, at + len(_VIEW_DEFINITION))


def view_definition(create_sql: str | None) -> str | None:
    """pg_get_viewdef's text of a view from its sqlite_master.sql: the query as written
    (PostgreSQL prints its own deparse of the same query), or, for a view created before
    definitions were kept, the SQLite query after AS."""
    if create_sql is None:
        return None
    at = create_sql.rfind(_VIEW_DEFINITION)
    if at >= 0:
        encoded = create_sql[at + len(_VIEW_DEFINITION):].split("*/", 1)[0].strip()
        encoded = encoded.split(":", 1)[1] if ":" in encoded else encoded  # after "2:" (or ":" before versions)
        return " " + base64.b64decode(encoded.strip()).decode() + ";"
    m = re.search(r"\bAS\b\s*(.*)$", create_sql, re.IGNORECASE | re.DOTALL)
    return " " + (m.group(1) if m else create_sql).strip().rstrip(";") + ";"


# obj_description(oid, 'pg_class') and col_description(oid, attnum): what COMMENT ON kept
# (comments.py); :n is the column's number.
OBJ_DESCRIPTION_SQL = (f"SELECT pg_description(r.sql, '') FROM (SELECT :x AS pg_relid) a, sqlite_master r "
                       f"WHERE r.rowid = a.pg_relid - {PG_OID_BASE}")
COL_DESCRIPTION_SQL = (f"SELECT pg_description(r.sql, (SELECT p.name FROM pragma_table_xinfo(r.name) p "
                       f"WHERE p.cid = a.pg_attnum - 1)) FROM (SELECT :x AS pg_relid, :n AS pg_attnum) a, "
                       f"sqlite_master r WHERE r.rowid = a.pg_relid - {PG_OID_BASE}")

# a view's definition, or a materialized view's query (table_as.py keeps it in its trigger)
VIEWDEF_SQL = ("SELECT coalesce((SELECT ' ' || pg_matview_field(t.sql, 'query') || ';' FROM sqlite_master t "
               "WHERE t.type = 'trigger' AND t.name = 'sixfold_mv:' || r.name || ':i'), "
               "CASE WHEN r.type = 'view' THEN pg_view_definition(r.sql) END) "
               f"FROM (SELECT :x AS pg_relid) a, sqlite_master r WHERE r.rowid = a.pg_relid - {PG_OID_BASE} "
               "AND r.type IN ('view', 'table')")


def _norm(sql: str) -> str:
    return " ".join(sql.split()).lower().rstrip(";").strip()


_PGBENCH_PARTITIONS = re.compile(
    r"^select o\.n, p\.partstrat, pg_catalog\.count\(i\.inhparent\) from pg_catalog\.pg_class as c join "
    r"pg_catalog\.pg_namespace as n on \(n\.oid = c\.relnamespace\) cross join lateral \(select "
    r"pg_catalog\.array_position\(pg_catalog\.current_schemas\(true\), n\.nspname\)\) as o\(n\) left join "
    r"pg_catalog\.pg_partitioned_table as p on \(p\.partrelid = c\.oid\) left join pg_catalog\.pg_inherits as i "
    r"on \(c\.oid = i\.inhparent\) where c\.relname = '((?:[^']|'')*)' and o\.n is not null group by 1, 2 "
    r"order by 1 asc limit 1$")

_PSQL_LIST = re.compile(
    r"^select n\.nspname as \"schema\", c\.relname as \"name\", case c\.relkind when 'r' then 'table' .*? end "
    r"as \"type\", pg_catalog\.pg_get_userbyid\(c\.relowner\) as \"owner\" from pg_catalog\.pg_class c "
    r"left join pg_catalog\.pg_namespace n on n\.oid = c\.relnamespace (?:left join pg_catalog\.pg_am am on "
    r"am\.oid = c\.relam )?where c\.relkind in \(([^)]*)\)(.*?) order by 1,2$")

_PSQL_FIND = re.compile(
    r"^select c\.oid, n\.nspname, c\.relname from pg_catalog\.pg_class c left join pg_catalog\.pg_namespace n "
    r"on n\.oid = c\.relnamespace where c\.relname operator\(pg_catalog\.~\) '((?:[^']|'')*)' "
    r"collate pg_catalog\.default(.*?) order by 2, 3$")

_PSQL_TABLE_INFO = re.compile(
    r"^select c\.relchecks, c\.relkind, c\.relhasindex, c\.relhasrules, c\.relhastriggers, c\.relrowsecurity, "
    r"c\.relforcerowsecurity, false as relhasoids, c\.relispartition, (?:''|pg_catalog\.array_to_string\("
    r"c\.reloptions \|\| array\(select 'toast\.' \|\| x from pg_catalog\.unnest\(tc\.reloptions\) x\), ', '\) ?)"
    r", c\.reltablespace, case when "
    r"c\.reloftype = 0 then '' else c\.reloftype::pg_catalog\.regtype::pg_catalog\.text end, c\.relpersistence, "
    r"c\.relreplident, am\.amname from pg_catalog\.pg_class c .* where c\.oid = '(\d+)'$")

_PSQL_COLUMNS = re.compile(
    r"^select a\.attname, pg_catalog\.format_type\(a\.atttypid, a\.atttypmod\), \(select "
    r"pg_catalog\.pg_get_expr\(d\.adbin, d\.adrelid, true\) from pg_catalog\.pg_attrdef d .*? from "
    r"pg_catalog\.pg_attribute a where a\.attrelid = '(\d+)' and a\.attnum > 0 and not a\.attisdropped "
    r"order by a\.attnum$")

_PSQL_INDEXES = re.compile(
    r"^select c2\.relname, i\.indisprimary, i\.indisunique, i\.indisclustered, i\.indisvalid, "
    r"pg_catalog\.pg_get_indexdef\(i\.indexrelid, 0, true\),.* where c\.oid = '(\d+)' and c\.oid = i\.indrelid "
    r"and i\.indexrelid = c2\.oid order by i\.indisprimary desc, c2\.relname$")

_PSQL_INDEX_COLUMNS = re.compile(
    r"^select a\.attname, pg_catalog\.format_type\(a\.atttypid, a\.atttypmod\), case when a\.attnum <= \(select "
    r"i\.indnkeyatts from pg_catalog\.pg_index i where i\.indexrelid = '(\d+)'\) then 'yes' else 'no' end as "
    r"is_key, pg_catalog\.pg_get_indexdef\(a\.attrelid, a\.attnum, true\) as indexdef(.*?) from "
    r"pg_catalog\.pg_attribute a where a\.attrelid = '\d+' and a\.attnum > 0 and not a\.attisdropped "
    r"order by a\.attnum$")

# \d TABLE's triggers (asked when pg_class.relhastriggers; the partition-ancestor branch
# never applies: no trigger has a parent here).
_PSQL_TRIGGERS = re.compile(
    r"^select t\.tgname, pg_catalog\.pg_get_triggerdef\(t\.oid, true\), t\.tgenabled, t\.tgisinternal, .* "
    r"from pg_catalog\.pg_trigger t where t\.tgrelid = '(\d+)' and .* order by 1$")

# \d TABLE's "Referenced by:" (foreign keys of other tables to this one).
_PSQL_REFERENCED_BY = re.compile(
    r"^select conname, conrelid::pg_catalog\.regclass as ontable, pg_catalog\.pg_get_constraintdef\(oid, true\) "
    r"as condef from pg_catalog\.pg_constraint c where confrelid in \(select "
    r"pg_catalog\.pg_partition_ancestors\('(\d+)'\) union all values \('\d+'::pg_catalog\.regclass\)\) and "
    r"contype = 'f' and conparentid = 0 order by conname$")

# \d TABLE's "Foreign-key constraints:" (its own).
_PSQL_FOREIGN_KEYS = re.compile(
    r"^select true as sametable, conname, pg_catalog\.pg_get_constraintdef\(r\.oid, true\) as condef, "
    r"conrelid::pg_catalog\.regclass as ontable from pg_catalog\.pg_constraint r where r\.conrelid = '(\d+)' and "
    r"r\.contype = 'f' and conparentid = 0 order by conname$")

# \d TABLE's "Check constraints:".
_PSQL_CHECKS = re.compile(
    r"^select r\.conname, pg_catalog\.pg_get_constraintdef\(r\.oid, true\) from pg_catalog\.pg_constraint r "
    r"where r\.conrelid = '(\d+)' and r\.contype = 'c' order by 1$")

_PSQL_INDEX_INFO = re.compile(
    r"^select i\.indisunique, i\.indisprimary, i\.indisclustered, i\.indisvalid, .* from pg_catalog\.pg_index i, "
    r"pg_catalog\.pg_class c, pg_catalog\.pg_class c2, pg_catalog\.pg_am a where i\.indexrelid = c\.oid and "
    r"c\.oid = '(\d+)' and c\.relam = a\.oid and i\.indrelid = c2\.oid$")

# psql \d TABLE queries whose answer is always empty here: (pattern, column count).
_PSQL_EMPTY = [
    (re.compile(r"^select pol\.polname, pol\.polpermissive, .* from pg_catalog\.pg_policy pol where "), 6),
    (re.compile(r"^select oid, stxrelid::pg_catalog\.regclass, .* from pg_catalog\.pg_statistic_ext "), 9),
    (re.compile(r"^select pubname , null , null from pg_catalog\.pg_publication p "), 3),
    (re.compile(r"^select c\.oid::pg_catalog\.regclass from pg_catalog\.pg_class c, pg_catalog\.pg_inherits i "), 1),
    (re.compile(r"^select c\.oid::pg_catalog\.regclass, c\.relkind, inhdetachpending, "), 4),
    (re.compile(r"^select pubname from pg_catalog\.pg_publication p "), 1),
]

# \d+ asks for more of each column, which depends on the relation's kind (a view has no
# compression or statistics target): (what the query names, column, value), in order.
_VERBOSE_COLUMNS = (("a.attstorage", "attstorage", _STORAGE), ("a.attcompression", "attcompression", "''"),
                    ("a.attstattarget", "attstattarget", "NULL"),
                    ("col_description(", "col_description", "pg_description(m.sql, p.name)"))


def fixed_query(pg_sql: str, user: str) -> tuple[str, str] | None:
    """(tag, SQLite query) for a known client catalog query, else None."""
    text = _norm(pg_sql)
    if not text.startswith("select"):
        return None
    m = _PGBENCH_PARTITIONS.match(text)
    if m:
        name = m.group(1)
        return "SELECT", (f"SELECT 1 AS n, NULL AS partstrat, 0 AS count FROM sqlite_master "
                          f"WHERE type = 'table' AND name = '{name}'")
    m = _PSQL_LIST.match(text)
    if m:
        kinds = [k.strip().strip("'") for k in m.group(1).split(",")]
        want = []
        if "r" in kinds:
            want.append(f"type = 'table' AND NOT {_SEQ} AND NOT {_MATVIEW}")
        if "m" in kinds:
            want.append(_MATVIEW)
        if "s" in kinds:  # the text is lower-cased: relkind S
            want.append(f"type = 'table' AND {_SEQ}")
        if "v" in kinds:
            want.append(f"type = 'view' AND NOT {_MATVIEW}")
        if "i" in kinds:
            want.append("type = 'index'")
        where = "(" + (" OR ".join(f"({w})" for w in want) or "0") + ")"
        # \dt PATTERN: psql matches relname with a regular expression (its original case)
        pattern = re.search(r"c\.relname operator\(pg_catalog\.~\)\s*'((?:[^']|'')*)'", pg_sql, re.IGNORECASE)
        if pattern:
            where += f" AND regexp('{pattern.group(1)}', name)"
        return "SELECT", (
            "SELECT 'public' AS \"Schema\", name AS \"Name\", "
            f"CASE WHEN type = 'table' AND {_SEQ} THEN 'sequence' WHEN "
            f"{_MATVIEW} THEN 'materialized view' WHEN type = 'table' THEN 'table' "
            "WHEN type = 'view' THEN 'view' ELSE 'index' END AS \"Type\", "
            f"{_lit(user)} AS \"Owner\" FROM sqlite_master m WHERE {where} "
            "AND NOT pg_hidden_object(name) ORDER BY 1, 2")
    m = _PSQL_FIND.match(text)
    if m:
        # The pattern is matched case-sensitively in PostgreSQL; identifiers were lower-cased
        # by psql already unless quoted. Use the original case from the statement.
        orig = re.search(r"operator\(pg_catalog\.~\)\s*'((?:[^']|'')*)'", pg_sql, re.IGNORECASE).group(1)
        # Indexes by the names pg_class gives them (a unique constraint's t_a_key, not
        # SQLite's sqlite_autoindex_t_1), a rowid key's too.
        return "SELECT", (
            f"SELECT oid, 'public' AS nspname, relname FROM ({RELATIONS['pg_class']}) "
            f"WHERE regexp('{orig}', relname) ORDER BY 2, 3")
    m = _PSQL_TABLE_INFO.match(text)
    if m and int(m.group(1)) >= ROWID_KEY_OID_BASE:  # a rowid key's index
        return "SELECT", (
            "SELECT 0 AS relchecks, 'i' AS relkind, 'f' AS relhasindex, 'f' AS relhasrules, 'f' AS relhastriggers, "
            "'f' AS relrowsecurity, 'f' AS relforcerowsecurity, 'f' AS relhasoids, 'f' AS relispartition, "
            "'' AS \"?column?\", 0 AS reltablespace, '' AS reloftype, 'p' AS relpersistence, 'd' AS relreplident, "
            f"'btree' AS amname FROM sqlite_master WHERE rowid = {int(m.group(1)) - ROWID_KEY_OID_BASE} "
            "AND type = 'table'")
    if m:
        oid = int(m.group(1))
        return "SELECT", (
            f"SELECT {_CHECKS} AS relchecks, CASE WHEN {_MATVIEW} THEN 'm' WHEN {_SEQ} THEN 'S' "
            "WHEN type = 'table' THEN 'r' "
            "WHEN type = 'view' THEN 'v' ELSE 'i' END AS relkind, "
            "CASE WHEN EXISTS (SELECT 1 FROM sqlite_master x WHERE x.type = 'index' AND x.tbl_name = m.name) "
            "OR EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE pk > 0) THEN 't' ELSE 'f' END AS relhasindex, "
            f"'f' AS relhasrules, CASE WHEN {_HAS_TRIGGERS} THEN 't' ELSE 'f' END AS relhastriggers, "
            "'f' AS relrowsecurity, 'f' AS relforcerowsecurity, "
            "'f' AS relhasoids, 'f' AS relispartition, '' AS \"?column?\", 0 AS reltablespace, '' AS reloftype, "
            "'p' AS relpersistence, 'd' AS relreplident, CASE type WHEN 'table' THEN 'heap' ELSE 'btree' END AS amname "
            f"FROM sqlite_master m WHERE rowid = {oid - PG_OID_BASE}")
    m = _PSQL_COLUMNS.match(text)
    if m:
        oid = int(m.group(1))
        return "SELECT", (
            f"SELECT p.name AS attname, CASE WHEN pg_column_domain(m.sql, p.name) IS NOT NULL AND {_DOMAIN_HOLDER} "
            f"IS NOT NULL THEN pg_column_domain(m.sql, p.name) ELSE pg_format_type({_DECL}) END AS format_type, "
            "CASE WHEN p.hidden IN (2, 3) THEN "
            "pg_generated_text(m.sql, p.name) ELSE pg_default_text(p.dflt_value, p.type) END "
            "AS pg_get_expr, "
            f"CASE WHEN p.\"notnull\" OR {_ROWID_KEY} THEN 't' ELSE 'f' END AS attnotnull, NULL AS attcollation, "
            f"{_ATTIDENTITY} AS attidentity, CASE WHEN p.hidden IN (2, 3) THEN 's' ELSE '' END AS attgenerated"
            + "".join(f", {value} AS {name}" for piece, name, value in _VERBOSE_COLUMNS if piece in text)
            + f" FROM sqlite_master m, pragma_table_xinfo(m.name) p WHERE m.rowid = {oid - PG_OID_BASE} "
            "AND p.hidden != 1 ORDER BY p.cid")
    m = _PSQL_CHECKS.match(text)
    if m:
        # (pretty: CHECK (x > 0), not CHECK ((x > 0)))
        return "SELECT", ("SELECT conname, pg_pretty_condef(pg_condef) AS pg_get_constraintdef "
                          f"FROM ({CONSTRAINTS}) c WHERE conrelid = {int(m.group(1))} AND contype = 'c' ORDER BY 1")
    m = _PSQL_FOREIGN_KEYS.match(text)
    if m:
        return "SELECT", (
            f"SELECT 't' AS sametable, conname, pg_condef AS condef, (SELECT name FROM sqlite_master "
            f"WHERE rowid = c.conrelid - {PG_OID_BASE}) AS ontable FROM ({CONSTRAINTS}) c "
            f"WHERE conrelid = {int(m.group(1))} AND contype = 'f' ORDER BY conname")
    m = _PSQL_REFERENCED_BY.match(text)
    if m:
        return "SELECT", (
            f"SELECT conname, (SELECT name FROM sqlite_master WHERE rowid = c.conrelid - {PG_OID_BASE}) AS ontable, "
            f"pg_condef AS condef FROM ({CONSTRAINTS}) c WHERE confrelid = {int(m.group(1))} AND contype = 'f' "
            "ORDER BY conname")
    m = _PSQL_TRIGGERS.match(text)
    if m:
        return "SELECT", (
            "SELECT tgname, pg_tgdef_pretty AS pg_get_triggerdef, tgenabled, 'f' AS tgisinternal, NULL AS parent "
            f"FROM ({RELATIONS['pg_trigger']}) WHERE tgrelid = {int(m.group(1))} ORDER BY 1")
    m = _PSQL_INDEXES.match(text)
    if m:
        rowid = int(m.group(1)) - PG_OID_BASE
        # (an index on expressions: SQLite names none of them; its CREATE text has them)
        cols = ("CASE WHEN EXISTS (SELECT 1 FROM pragma_index_info(il.name) WHERE name IS NULL) THEN "
                "pg_index_expressions((SELECT x.sql FROM sqlite_master x WHERE x.type = 'index' AND x.name = il.name)) "
                "ELSE (SELECT group_concat(name || CASE WHEN \"desc\" THEN ' DESC' ELSE '' END, ', ') "
                "FROM pragma_index_xinfo(il.name) WHERE key) END")
        pk_cols = "(SELECT group_concat(name, ', ') FROM (SELECT name FROM pragma_table_info(m.name) WHERE pk > 0 ORDER BY pk))"
        return "SELECT", (
            "SELECT relname, indisprimary, indisunique, 'f' AS indisclustered, 't' AS indisvalid, "
            "'CREATE ' || CASE WHEN indisunique = 't' THEN 'UNIQUE ' ELSE '' END || 'INDEX ' || relname || "
            "' ON public.' || tname || ' USING ' || method || ' (' || cols || ')' || coalesce(' WHERE ' || pred, '') "
            "AS pg_get_indexdef, condef AS pg_get_constraintdef, contype, 'f' AS condeferrable, "
            "'f' AS condeferred, 'f' AS indisreplident, 0 AS reltablespace FROM ("
            f"SELECT m.name || '_pkey' AS relname, 't' AS indisprimary, 't' AS indisunique, m.name AS tname, "
            f"{pk_cols} AS cols, NULL AS pred, 'PRIMARY KEY (' || {pk_cols} || ')' AS condef, 'p' AS contype, "
            "'btree' AS method "
            f"FROM sqlite_master m WHERE m.rowid = {rowid} AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) "
            "WHERE pk > 0) UNION ALL "
            f"SELECT CASE WHEN il.origin = 'u' THEN m.name || '_' || replace({cols}, ', ', '_') || '_key' "
            f"ELSE il.name END, CASE WHEN {_IX_KIND} = 'p' THEN 't' ELSE 'f' END, "
            "CASE WHEN il.\"unique\" THEN 't' ELSE 'f' END, m.name, "
            f"{cols}, CASE WHEN il.partial THEN (SELECT substr(x.sql, instr(upper(x.sql), ' WHERE ') + 7) "
            "FROM sqlite_master x WHERE x.name = il.name) END, "
            f"CASE WHEN {_IX_KIND} = 'p' THEN 'PRIMARY KEY (' || {cols} || ')' "
            f"WHEN il.origin = 'u' OR {_IX_KIND} = 'u' THEN 'UNIQUE (' || {cols} || ')' END, "
            f"CASE WHEN il.origin = 'u' THEN 'u' ELSE {_IX_KIND} END, "
            "pg_index_method((SELECT x.sql FROM sqlite_master x WHERE x.type = 'index' AND x.name = il.name)) "
            f"FROM sqlite_master m, pragma_index_list(m.name) il WHERE m.rowid = {rowid} AND il.origin != 'pk'"
            ") ORDER BY indisprimary DESC, relname")
    m = _PSQL_INDEX_COLUMNS.match(text)
    if m:
        verbose = "".join(f", {value} AS {name}" for piece, name, value in _VERBOSE_COLUMNS if piece in m.group(2))
        if int(m.group(1)) >= ROWID_KEY_OID_BASE:  # a rowid key's index: its one column
            return "SELECT", (
                f"SELECT p.name AS attname, pg_format_type(p.type) AS format_type, 'yes' AS is_key, "
                f"p.name AS indexdef{verbose} FROM sqlite_master m, pragma_table_info(m.name) p "
                f"WHERE m.rowid = {int(m.group(1)) - ROWID_KEY_OID_BASE} AND m.type = 'table' AND p.pk = 1")
        return "SELECT", (
            "SELECT coalesce(ii.name, 'expr') AS attname, pg_format_type(p.type) AS format_type, 'yes' AS is_key, "
            f"coalesce(ii.name, '?') AS indexdef{verbose} FROM sqlite_master x, pragma_index_info(x.name) ii "
            f"LEFT JOIN pragma_table_info(x.tbl_name) p ON p.name = ii.name "
            f"WHERE x.rowid = {int(m.group(1)) - PG_OID_BASE} AND x.type = 'index' ORDER BY ii.seqno")
    m = _PSQL_INDEX_INFO.match(text)
    if m and int(m.group(1)) >= ROWID_KEY_OID_BASE:
        return "SELECT", (
            "SELECT 't' AS indisunique, 't' AS indisprimary, 'f' AS indisclustered, 't' AS indisvalid, "
            "'f' AS condeferrable, 'f' AS condeferred, 'f' AS indisreplident, 'f' AS indnullsnotdistinct, "
            "'btree' AS amname, name AS relname, NULL AS pg_get_expr FROM sqlite_master "
            f"WHERE rowid = {int(m.group(1)) - ROWID_KEY_OID_BASE} AND type = 'table'")
    if m:
        return "SELECT", (
            "SELECT CASE WHEN il.\"unique\" THEN 't' ELSE 'f' END AS indisunique, "
            "CASE WHEN il.origin = 'pk' THEN 't' ELSE 'f' END AS indisprimary, 'f' AS indisclustered, "
            "'t' AS indisvalid, 'f' AS condeferrable, 'f' AS condeferred, 'f' AS indisreplident, "
            "'f' AS indnullsnotdistinct, 'btree' AS amname, x.tbl_name AS relname, "
            "CASE WHEN il.partial THEN substr(x.sql, instr(upper(x.sql), ' WHERE ') + 7) END AS pg_get_expr "
            "FROM sqlite_master x JOIN pragma_index_list(x.tbl_name) il ON il.name = x.name "
            f"WHERE x.rowid = {int(m.group(1)) - PG_OID_BASE} AND x.type = 'index'")
    for pattern, ncols in _PSQL_EMPTY:
        if pattern.match(text):
            cols = ", ".join(f"NULL AS c{i}" for i in range(ncols))
            return "SELECT", f"SELECT {cols} WHERE 0"
    return None


def _lit_sql(s: str) -> str:
    return _lit(s)


# --- what DDL keeps in SQLite's text, read back (SQL functions the catalog's queries call) -----
# CREATE INDEX ... USING gin: the method in a comment of the index's SQL (ddl._create_index);
# ALTER TABLE ADD PRIMARY KEY / UNIQUE: which constraint the unique index is (ddl.alter);
# CREATE TABLE's CHECKs: each one's text as written after it (ddl._keep_check_text).


def index_method(index_sql: str | None) -> str:
    """SQL function pg_index_method(sqlite_master.sql of an index)."""
    m = re.search(r"/\*using (\w+)\*/", index_sql or "")
    return m.group(1) if m else "btree"


def index_expressions(index_sql: str | None) -> str | None:
    """SQL function pg_index_expressions: the column list of a CREATE INDEX text as written
    there (`lower(email)`), for an index on expressions (which SQLite lists without names)."""
    m = re.search(r'\bON\s+(?:"(?:[^"]|"")+"|\S+)\s*(?:/\*[^*]*\*/\s*)?\(', index_sql or "", re.IGNORECASE)
    end = closing_paren(index_sql, m.end() - 1) if m else None
    return index_sql[m.end():end].strip() if end is not None else None


def index_constraint(index_sql: str | None) -> str | None:
    """SQL function pg_index_constraint: 'p' or 'u' for the unique index ALTER TABLE ADD
    PRIMARY KEY / UNIQUE made, else NULL."""
    m = re.search(r"/\*constraint ([pu])\*/", index_sql or "")
    return m.group(1) if m else None


_CHECK_START = re.compile(r'CONSTRAINT "23514 (?:[^"]|"")*? ((?:[^"\s]|"")+)" CHECK\s*\(')
_CHECK_COMMENT = re.compile(r"\s*/\* pgcheck:([A-Za-z0-9+/=]*) \*/")


_GENERATED_TEXT = re.compile(r"/\* pggen:([A-Za-z0-9+/=]*):([A-Za-z0-9+/=]*) \*/")


def generated_text(table_sql: str | None, column: str | None) -> str | None:
    """SQL function pg_generated_text(CREATE TABLE text, column): a generated column's
    expression as written (kept in a comment by ddl.py), None for another column."""
    for m in _GENERATED_TEXT.finditer(table_sql or ""):
        if base64.b64decode(m.group(1)).decode() == column:
            return base64.b64decode(m.group(2)).decode()
    return None


def key_index(conn, table: str | None, columns: str | None) -> int:
    """pg_constraint.conindid: the OID of the index that enforces `table`'s key on
    `columns` (comma-separated; None: its primary key) - for a foreign key, the
    referenced key's. 0 when there is none."""
    if table is None:
        return 0
    rows = conn.execute("SELECT rowid FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchall()
    if not rows:
        return 0
    pk = conn.execute("SELECT name, upper(type) FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", (table,)).fetchall()
    wanted = [c.strip() for c in columns.split(",")] if columns else [n for n, _ in pk]
    if [n for n, _ in pk] == wanted and len(pk) == 1 and pk[0][1] == "INTEGER":
        return ROWID_KEY_OID_BASE + rows[0][0]  # SQLite's rowid: the index pg_class shows for it
    for name, origin in conn.execute("SELECT name, origin FROM pragma_index_list(?) WHERE \"unique\"",
                                     (table,)).fetchall():
        cols = [r[0] for r in conn.execute("SELECT name FROM pragma_index_info(?) ORDER BY seqno", (name,))]
        if cols == wanted and (columns or origin == "pk" or not pk):
            found = conn.execute("SELECT rowid FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchall()
            return PG_OID_BASE + found[0][0] if found else 0
    return 0


def hidden_object(name: str | None) -> int:
    """SQL function pg_hidden_object(name): 1 for what the catalogs do not list, SQLite's
    own tables and the volume's tables behind sessions' temporary tables."""
    return int(name is not None and (name.startswith("sqlite_") or name.startswith(temp_tables.PREFIX)))


def name_list(csv: str | None) -> str:
    """SQL function pg_name_list(a,b): the comma-separated column names of a key as a JSON
    array (pg_constraint's pg_cols), for json_each."""
    return json.dumps([n for n in (csv or "").split(",") if n])


_REFERENCED = re.compile(r"\bREFERENCES\s+\S+?\s*\(([^)]*)\)")


def position_in_key(condef: str | None, at: int, keys_json: str | None) -> int | None:
    """SQL function pg_position_in_key(foreign key's definition, i, referenced keys): the
    1-based position, in the referenced table's primary key or unique constraint that the
    foreign key references (the one of the same columns), of the column its i-th column
    references; None when that is not told."""
    m = _REFERENCED.search(condef or "")
    referenced = [n.strip().strip('"') for n in m.group(1).split(",")] if m else []
    if not 0 <= int(at) < len(referenced):
        return None
    for key in json.loads(keys_json or "[]"):
        cols = (key or "").split(",")
        if sorted(cols) == sorted(referenced):
            return cols.index(referenced[int(at)]) + 1
    return None


def table_checks(table_sql: str | None) -> str:
    """SQL function pg_table_checks(CREATE TABLE text): JSON [{name, def}] of its CHECKs."""
    out, text = [], table_sql or ""
    for m in _CHECK_START.finditer(text):
        close = closing_paren(text, m.end() - 1)
        if close is None:
            continue
        comment = _CHECK_COMMENT.match(text, close + 1)
        # (the expression as written, kept in a comment; a table made before the comment was
        # kept for every CHECK shows SQLite's text of it)
        shown = base64.b64decode(comment.group(1)).decode() if comment else text[m.end():close]
        out.append({"name": m.group(1).replace('""', '"'), "def": shown})
    return json.dumps(out)
