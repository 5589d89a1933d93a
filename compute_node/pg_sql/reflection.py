"""Constraints and indexes as PostgreSQL's catalog shows them, for the reflection queries
ORMs send (SQLAlchemy's inspector, Alembic's autogenerate).

`CONSTRAINTS` is the pg_constraint relation (primary keys, unique constraints and foreign
keys, from SQLite's pragmas) with two extra columns the translator uses: pg_condef
(pg_get_constraintdef's text) and pg_cols (the key columns, comma-separated).

Two of SQLAlchemy's queries unnest index key arrays in their select lists, which SQLite
cannot express; `answer` recognises them by their shape and gives the same columns from
the pragmas, with the parameters they were sent with (arrays as PostgreSQL's array text,
typed so that the driver reads lists)."""

from __future__ import annotations

import re

from compute_node.pg_sql.catalog import BUILTIN_TYPES, CONSTRAINTS, INDEXES, PG_OID_BASE
from compute_node.pg_sql.types import REGTYPE_NAMES

_IDX_COLS = "(SELECT group_concat(coalesce(name, '?'), ',') FROM pragma_index_info(il.name))"

BOOL, CHAR, TEXT_ARRAY, BOOL_ARRAY, INT8_ARRAY, INT2VECTOR = 16, 18, 1009, 1000, 1016, 22


def _norm(sql: str) -> str:
    return " ".join(sql.split()).lower()


def _params(text: str) -> list[str]:
    return re.findall(r"\$(\d+)", text)


def _keep_params(where: str, text: str) -> str:
    """A condition that mentions the statement's highest parameter, so that SQLite expects
    as many parameters as the client binds."""
    nums = [int(n) for n in _params(text)]
    if not nums:
        return where
    top = max(nums)
    return f"({where}) AND (?{top} IS NULL OR ?{top} IS NOT NULL)"


def _in_list(pattern: str, text: str) -> str | None:
    m = re.search(pattern + r" in \(((?:\$\d+(?:::\w+)?(?:, )?)+)\)", text)
    if not m:
        return None
    return ", ".join(f"?{n}" for n in _params(m.group(1)))


def answer(pg_sql: str) -> tuple[str, tuple[int | None, ...]] | None:
    """(SQLite query, result column OIDs) for a reflection query SQLite cannot run as
    written; None when `pg_sql` is not one of them."""
    text = _norm(pg_sql)
    rails = _RAILS_PRIMARY_KEYS.fullmatch(text)
    if rails is not None:
        return _primary_key_columns(rails.group(1)), (NAME,)
    rails = _RAILS_FOREIGN_KEYS.fullmatch(text)
    if rails is not None:
        return _foreign_keys(rails.group(1)), (TEXT, NAME, NAME, NAME, CHAR, CHAR, BOOL)
    jdbc = _jdbc_keys(pg_sql, text)
    if jdbc is not None:
        return jdbc
    if "unnest(pg_catalog.pg_index.indkey)" not in text:
        return None
    if "unnest(pg_catalog.pg_index.indclass)" in text:
        oids = _in_list(r"pg_catalog\.pg_index\.indrelid", text)
        if oids is None:
            return None
        sql = (
            f"SELECT {PG_OID_BASE} + m.rowid AS indrelid, "
            f"CASE WHEN il.origin = 'u' THEN m.name || '_' || replace({_IDX_COLS}, ',', '_') || '_key' "
            "ELSE il.name END AS relname, il.\"unique\" AS indisunique, 1 AS indisvalid, "
            "(il.origin = 'u') AS has_constraint, "
            "trim(replace(hex(zeroblob((SELECT count(*) FROM pragma_index_info(il.name)))), '00', '0 ')) AS indoption, "
            "NULL AS reloptions, 403 AS relam, "
            "CASE WHEN il.partial THEN (SELECT substr(x.sql, instr(upper(x.sql), ' WHERE ') + 7) FROM sqlite_master x "
            "WHERE x.name = il.name) END AS filter_definition, "
            "(SELECT count(*) FROM pragma_index_info(il.name)) AS indnkeyatts, 0 AS indnullsnotdistinct, "
            f"'{{' || {_IDX_COLS} || '}}' AS elements, "
            "'{' || (SELECT group_concat(CASE WHEN name IS NULL THEN 't' ELSE 'f' END, ',') "
            "FROM pragma_index_info(il.name)) || '}' AS elements_is_expr, "
            "'{' || (SELECT group_concat('0', ',') FROM pragma_index_info(il.name)) || '}' AS elements_opclass "
            "FROM sqlite_master m, pragma_index_list(m.name) il "
            "WHERE " + _keep_params(f"m.type = 'table' AND il.origin != 'pk' AND {PG_OID_BASE} + m.rowid IN ({oids})",
                                    text) + " ORDER BY 1, 2")
        return sql, (None, None, BOOL, BOOL, BOOL, INT2VECTOR, None, None, None, None, BOOL, TEXT_ARRAY, BOOL_ARRAY,
                     INT8_ARRAY)
    if "array_agg(cast(attr.attname as text) order by attr.ord) as cols" in text:
        contype = re.search(r"pg_catalog\.pg_constraint\.contype = \$(\d+)", text)
        oids = _in_list(r"pg_catalog\.pg_constraint\.conrelid", text)
        if contype is None or oids is None:
            return None
        sql = ("SELECT c.conrelid, '{' || c.pg_cols || '}' AS cols, c.conname, NULL AS description, "
               "c.pg_ncols AS indnkeyatts, 0 AS indnullsnotdistinct "
               f"FROM ({CONSTRAINTS}) c WHERE "
               + _keep_params(f"c.contype = ?{contype.group(1)} AND c.conrelid IN ({oids})", text)
               + " ORDER BY c.conrelid, c.conname")
        return sql, (None, TEXT_ARRAY, None, None, None, BOOL)
    return None


# pgjdbc's DatabaseMetaData.getPrimaryKeys and getIndexInfo: each key column and its
# position through information_schema._pg_expandarray(i.indkey) and (record).x, which
# SQLite cannot express. Their literals (the schema and table asked for, if any) are
# read from the text as sent.
_JDBC_PRIMARY_KEYS = ("select result.table_cat, result.table_schem, result.table_name, result.column_name, "
                      "result.key_seq, result.pk_name from (select null as table_cat, n.nspname as table_schem, "
                      "ct.relname as table_name, a.attname as column_name, "
                      "(information_schema._pg_expandarray(i.indkey)).n as key_seq")
_JDBC_INDEX_INFO = ("select tmp.table_cat, tmp.table_schem, tmp.table_name, tmp.non_unique, tmp.index_qualifier, "
                    "tmp.index_name, tmp.type, tmp.ordinal_position, trim(both '\"' from "
                    "pg_catalog.pg_get_indexdef(tmp.ci_oid, tmp.ordinal_position, false)) as column_name")
_JDBC_NAMED = re.compile(r"\band\s+(n\.nspname|ct\.relname)\s*=\s*(E?)'((?:[^']|'')*)'", re.IGNORECASE)
FLOAT4 = 700


def _jdbc_keys(pg_sql: str, text: str) -> tuple[str, tuple[int | None, ...]] | None:
    primary = text.startswith(_JDBC_PRIMARY_KEYS)
    if not primary and not text.startswith(_JDBC_INDEX_INFO):
        return None
    where = []
    for what, escaped, value in _JDBC_NAMED.findall(pg_sql):
        if escaped and "\\" in value:
            return None  # (an E'' string with escapes: not read here)
        if what.lower() == "n.nspname":
            where.append("1" if value == "public" else "0")
        else:
            where.append(f"t.name = '{value}'")
    cond = " AND ".join(where) or "1"
    if primary:
        return (
            "SELECT NULL AS table_cat, 'public' AS table_schem, t.name AS table_name, k.value AS column_name, "
            "k.key + 1 AS key_seq, c.conname AS pk_name "
            f"FROM ({CONSTRAINTS}) c JOIN sqlite_master t ON t.rowid = c.conrelid - {PG_OID_BASE}, "
            "json_each('[\"' || replace(c.pg_cols, ',', '\",\"') || '\"]') k "
            f"WHERE c.contype = 'p' AND t.type = 'table' AND {cond} ORDER BY 3, 6, 5",
            (TEXT, NAME, NAME, NAME, INT4, NAME))
    return (
        "SELECT NULL AS table_cat, 'public' AS table_schem, t.name AS table_name, NOT x.indisunique AS non_unique, "
        "NULL AS index_qualifier, x.relname AS index_name, 3 AS type, k.key + 1 AS ordinal_position, "
        "k.value AS column_name, 'A' AS asc_or_desc, -1.0 AS cardinality, 0 AS pages, "
        "CASE WHEN x.pg_sql LIKE '% WHERE %' THEN substr(x.pg_sql, instr(upper(x.pg_sql), ' WHERE ') + 7) END "
        f"AS filter_condition FROM ({INDEXES}) x JOIN sqlite_master t ON t.type = 'table' AND t.name = x.pg_tbl_name, "
        "json_each('[\"' || replace(x.pg_cols, ', ', '\",\"') || '\"]') k "
        f"WHERE {cond} ORDER BY 4, 7, 6, 8",
        (TEXT, NAME, NAME, BOOL, TEXT, NAME, INT4, INT4, TEXT, TEXT, FLOAT4, INT4, TEXT))


# Rails' primary_keys(table): the primary key's columns in key order, through
# generate_subscripts over pg_index.indkey (neither of which SQLite has).
_RAILS_PRIMARY_KEYS = re.compile(
    r"select a\.attname from \( select indrelid, indkey, generate_subscripts\(indkey, 1\) idx from pg_index "
    r"where indrelid = '((?:[^']|'')+)'::regclass and indisprimary \) i join pg_attribute a on a\.attrelid = "
    r"i\.indrelid and a\.attnum = i\.indkey\[i\.idx\] order by i\.idx")


# Rails' foreign_keys(table): each key's first column and the one it references, its
# name, actions and validity (through conkey[1] and confkey[1], which SQLite cannot index).
_RAILS_FOREIGN_KEYS = re.compile(
    r"select t2\.oid::regclass::text as to_table, a1\.attname as column, a2\.attname as primary_key, "
    r"c\.conname as name, c\.confupdtype as on_update, c\.confdeltype as on_delete, c\.convalidated as valid "
    r"from pg_constraint c join pg_class t1 on c\.conrelid = t1\.oid join pg_class t2 on c\.confrelid = t2\.oid "
    r"join pg_attribute a1 on a1\.attnum = c\.conkey\[1\] and a1\.attrelid = t1\.oid join pg_attribute a2 on "
    r"a2\.attnum = c\.confkey\[1\] and a2\.attrelid = t2\.oid join pg_namespace t3 on c\.connamespace = t3\.oid "
    r"where c\.contype = 'f' and t1\.relname = '((?:[^']|'')+)' and t3\.nspname = "
    r"(?:any \(current_schemas\(false\)\)|'public') order by c\.conname")


def _foreign_keys(relation: str) -> str:
    name = "'" + relation + "'"  # (as the client quoted it)
    column = "substr(c.pg_cols || ',', 1, instr(c.pg_cols || ',', ',') - 1)"
    referenced = "pg_fk_part(c.pg_condef, 'referenced')"
    referenced = f"substr({referenced} || ',', 1, instr({referenced} || ',', ',') - 1)"
    return (f'SELECT quote_ident(p.name) AS to_table, {column} AS "column", {referenced} AS primary_key, '
            "c.conname AS name, pg_fk_part(c.pg_condef, 'update') AS on_update, "
            "pg_fk_part(c.pg_condef, 'delete') AS on_delete, c.convalidated AS valid "
            f"FROM ({CONSTRAINTS}) c JOIN sqlite_master t ON t.rowid = c.conrelid - {PG_OID_BASE} "
            f"JOIN sqlite_master p ON p.rowid = c.confrelid - {PG_OID_BASE} "
            f"WHERE c.contype = 'f' AND t.type = 'table' AND t.name = {name} ORDER BY c.conname")


def _primary_key_columns(relation: str) -> str:
    """The SQLite query for the primary key columns of `relation` (as 'name'::regclass
    reads it: quoted keeps its case, unquoted is folded, a schema public is dropped)."""
    name = relation.replace("''", "'")
    if name.startswith("public."):
        name = name[len("public."):]
    name = name[1:-1].replace('""', '"') if name.startswith('"') and name.endswith('"') else name.lower()
    quoted = "'" + name.replace("'", "''") + "'"
    return (f"SELECT p.name AS attname FROM pragma_table_info({quoted}) p "
            f"WHERE p.pk > 0 AND pg_regclass_found((SELECT rowid FROM sqlite_master WHERE type = 'table' "
            f"AND name = {quoted}), {quoted}) IS NOT NULL ORDER BY p.pk")


# asyncpg asks what an array type is before it encodes or decodes one (its introspection
# query, WITH RECURSIVE typeinfo_tree ..., which SQLite cannot run): the array types
# Sixfold has (arrays.py) and their element types, for the OIDs asked ($1, an oid[]).
def _array_types() -> list[tuple[int, str, int, str, str]]:
    """(array OID, its typname, element OID, the element's SQL name, its typname) of the
    catalog's array types."""
    names = {row[0]: row[1] for row in BUILTIN_TYPES}
    return [(row[0], row[1], row[9], REGTYPE_NAMES[row[9]], names[row[9]]) for row in BUILTIN_TYPES if row[4] == "A"]
OID, NAME, TEXT, INT4, OID_ARRAY = 26, 19, 25, 23, 1028


def asyncpg_types(pg_sql: str) -> tuple[str, tuple[int | None, ...]] | None:
    """(SQLite query, result column OIDs) answering asyncpg's type introspection."""
    text = _norm(pg_sql)
    if "typeinfo_tree" not in text or "any($1::oid[])" not in text:
        return None
    values = ", ".join(f"({a}, '{n}', {e}, '{en}', '{es}')" for a, n, e, en, es in _array_types())
    asked = "(SELECT CAST(value AS INTEGER) AS oid FROM json_each('[' || substr(?1, 2, length(?1) - 2) || ']'))"
    sql = (f"WITH t(oid, name, elem, elemname, elemshort) AS (VALUES {values}) "
           "SELECT t.oid, 'pg_catalog' AS ns, t.name, 'b' AS kind, NULL AS basetype, t.elem AS elemtype, "
           "',' AS elemdelim, NULL AS range_subtype, NULL AS attrtypoids, NULL AS attrnames, 0 AS depth, "
           "NULL AS basetype_name, t.elemname AS elemtype_name, NULL AS range_subtype_name "
           f"FROM t WHERE t.oid IN {asked} "
           "UNION ALL SELECT t.elem, 'pg_catalog', t.elemshort, 'b', NULL, 0, NULL, NULL, NULL, NULL, 1, NULL, '-', "
           f"NULL FROM t WHERE t.oid IN {asked} ORDER BY 11 DESC")
    return sql, (OID, NAME, NAME, TEXT, OID, OID, TEXT, OID, OID_ARRAY, TEXT_ARRAY, INT4, TEXT, TEXT, TEXT)
