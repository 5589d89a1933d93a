"""The system catalogs of what Sixfold does not have - operator classes, text search,
foreign data, publications, rules, policies, large objects, privileges - as empty relations
with PostgreSQL's columns, so that tools which read every catalog (pg_dump reads all of
these) find nothing rather than fail; pg_language's four languages; and acldefault().

Sixfold has one role, which owns everything and holds every privilege: no object has an
ACL of its own (NULL: the default), and acldefault() gives the default PostgreSQL would.
"""

from __future__ import annotations

import apsw

from compute_node.pg_sql import routines
from compute_node.pg_sql.more_functions import quote_ident
from compute_node.pg_sql.routines import PLPGSQL_LANGUAGE_OID

# catalog -> its columns (PostgreSQL 15's, those tools read)
_EMPTY: dict[str, tuple[str, ...]] = {
    "pg_operator": ("oid", "oprname", "oprnamespace", "oprowner", "oprkind", "oprcanmerge", "oprcanhash", "oprleft",
                    "oprright", "oprresult", "oprcom", "oprnegate", "oprcode", "oprrest", "oprjoin"),
    "pg_opclass": ("oid", "opcmethod", "opcname", "opcnamespace", "opcowner", "opcfamily", "opcintype", "opcdefault",
                   "opckeytype"),
    "pg_opfamily": ("oid", "opfmethod", "opfname", "opfnamespace", "opfowner"),
    "pg_amop": ("oid", "amopfamily", "amoplefttype", "amoprighttype", "amopstrategy", "amoppurpose", "amopopr",
                "amopmethod", "amopsortfamily"),
    "pg_amproc": ("oid", "amprocfamily", "amproclefttype", "amprocrighttype", "amprocnum", "amproc"),
    "pg_ts_parser": ("oid", "prsname", "prsnamespace", "prsstart", "prstoken", "prsend", "prsheadline", "prslextype"),
    "pg_ts_template": ("oid", "tmplname", "tmplnamespace", "tmplinit", "tmpllexize"),
    "pg_ts_dict": ("oid", "dictname", "dictnamespace", "dictowner", "dicttemplate", "dictinitoption"),
    "pg_ts_config": ("oid", "cfgname", "cfgnamespace", "cfgowner", "cfgparser"),
    "pg_foreign_data_wrapper": ("oid", "fdwname", "fdwowner", "fdwhandler", "fdwvalidator", "fdwacl", "fdwoptions"),
    "pg_foreign_server": ("oid", "srvname", "srvowner", "srvfdw", "srvtype", "srvversion", "srvacl", "srvoptions"),
    "pg_foreign_table": ("ftrelid", "ftserver", "ftoptions"),
    "pg_user_mapping": ("oid", "umuser", "umserver", "umoptions"),
    "pg_default_acl": ("oid", "defaclrole", "defaclnamespace", "defaclobjtype", "defaclacl"),
    "pg_conversion": ("oid", "conname", "connamespace", "conowner", "conforencoding", "contoencoding", "conproc",
                      "condefault"),
    "pg_cast": ("oid", "castsource", "casttarget", "castfunc", "castcontext", "castmethod"),
    "pg_transform": ("oid", "trftype", "trflang", "trffromsql", "trftosql"),
    "pg_event_trigger": ("oid", "evtname", "evtevent", "evtowner", "evtfoid", "evtenabled", "evttags"),
    "pg_rewrite": ("oid", "rulename", "ev_class", "ev_type", "ev_enabled", "is_instead", "ev_qual", "ev_action"),
    "pg_publication": ("oid", "pubname", "pubowner", "puballtables", "pubinsert", "pubupdate", "pubdelete",
                       "pubtruncate", "pubviaroot"),
    "pg_publication_rel": ("oid", "prpubid", "prrelid", "prqual", "prattrs"),
    "pg_publication_namespace": ("oid", "pnpubid", "pnnspid"),
    "pg_subscription": ("oid", "subdbid", "subskiplsn", "subname", "subowner", "subenabled", "subbinary",
                        "substream", "subtwophasestate", "subdisableonerr", "subconninfo", "subslotname",
                        "subsynccommit", "subpublications"),
    "pg_statistic_ext": ("oid", "stxrelid", "stxname", "stxnamespace", "stxowner", "stxstattarget", "stxkeys",
                         "stxkind", "stxexprs"),
    "pg_largeobject_metadata": ("oid", "lomowner", "lomacl"),
    "pg_init_privs": ("objoid", "classoid", "objsubid", "privtype", "initprivs"),
    "pg_seclabel": ("objoid", "classoid", "objsubid", "provider", "label"),
    "pg_seclabels": ("objoid", "classoid", "objsubid", "objtype", "objnamespace", "objname", "provider", "label"),
    "pg_shdescription": ("objoid", "classoid", "description"),
    "pg_shseclabel": ("objoid", "classoid", "provider", "label"),
    "pg_db_role_setting": ("setdatabase", "setrole", "setconfig"),
    "pg_parameter_acl": ("oid", "parname", "paracl"),
}


def relations() -> dict[str, str]:
    """catalog name -> SQLite SELECT of its rows."""
    out = {name: "SELECT " + ", ".join(f"NULL AS {c}" for c in columns) + " WHERE 0"
           for name, columns in _EMPTY.items()}
    out["pg_language"] = (
        "SELECT column1 AS oid, column2 AS lanname, 10 AS lanowner, column3 AS lanispl, column4 AS lanpltrusted, "
        "column5 AS lanplcallfoid, column6 AS laninline, column7 AS lanvalidator, NULL AS lanacl "
        "FROM (VALUES (12, 'internal', 0, 0, 0, 0, 2246), (13, 'c', 0, 0, 0, 0, 2247), (14, 'sql', 0, 1, 0, 0, 2248), "
        f"({PLPGSQL_LANGUAGE_OID}, 'plpgsql', 1, 1, 13560, 13561, 13562))")
    return out


# acldefault(kind, owner)'s privileges, PostgreSQL's: (granted to PUBLIC, granted to the owner)
_DEFAULT_PRIVILEGES = {"r": ("", "arwdDxt"), "s": ("", "rwU"), "d": ("Tc", "CTc"), "f": ("X", "X"),
                       "l": ("U", "U"), "L": ("", "rw"), "n": ("", "UC"), "t": ("", "C"), "F": ("", "U"),
                       "S": ("", "U"), "T": ("U", "U"), "p": ("", "sA")}


def acldefault(kind, owner_name):
    """acldefault(kind, owner)'s aclitem[] text for the owner's name: '{=X/o,o=X/o}' for
    a function ('f'), '{o=arwdDxt/o}' for a table ('r'). The translator passes the name
    (every object has the one role as owner)."""
    if kind is None or owner_name is None:
        return None
    kind = str(kind)
    if kind not in _DEFAULT_PRIVILEGES:
        raise apsw.SQLError(f"[22023] unrecognized object type abbreviation: {kind}")
    public, own = _DEFAULT_PRIVILEGES[kind]
    items = ([f"={public}/{owner_name}"] if public else []) + ([f"{owner_name}={own}/{owner_name}"] if own else [])
    return "{" + ",".join(items) + "}"


def name_at(name, i):
    """name[i]: a name's characters are subscripted from 0 (PostgreSQL's name is an array
    of char); NULL outside it."""
    if name is None or i is None:
        return None
    name, i = str(name), int(i)
    return name[i] if 0 <= i < len(name) else None


# The built-in functions a catalog row names by OID (pg_am.amhandler)
_BUILTIN_FUNCTIONS = {3: "heap_tableam_handler", 330: "bthandler"}


def regproc_name(conn: apsw.Connection, oid):
    """oid::regproc: a function's name ('-' for 0, the number for an OID no function has)."""
    if oid is None:
        return None
    oid = int(oid)
    if oid == 0:
        return "-"
    if oid in _BUILTIN_FUNCTIONS:
        return _BUILTIN_FUNCTIONS[oid]
    name = routines.described(conn, oid, "name")
    return quote_ident(name) if name is not None else str(oid)


# pg_namespace's rows (catalog.py): name -> OID
NAMESPACES = {"pg_catalog": 11, "public": 2200, "information_schema": 13000}


def regnamespace(name):
    """'public'::regnamespace: the schema's OID (3F000 when there is none)."""
    if name is None:
        return None
    text = str(name)
    bare = text[1:-1].replace('""', '"') if text.startswith('"') and text.endswith('"') else text.lower()
    if bare not in NAMESPACES:
        raise apsw.SQLError(f'[3F000] schema "{bare}" does not exist')
    return NAMESPACES[bare]


def regnamespace_name(oid):
    """oid::regnamespace: the schema's name (the number for an OID no schema has)."""
    if oid is None:
        return None
    return next((n for n, o in NAMESPACES.items() if o == int(oid)), str(int(oid)))


def register(conn: apsw.Connection) -> None:
    conn.create_scalar_function("pg_regnamespace", regnamespace, 1, deterministic=True)
    conn.create_scalar_function("pg_regnamespace_name", regnamespace_name, 1, deterministic=True)
    conn.create_scalar_function("pg_regproc_name", lambda oid: regproc_name(conn, oid), 1)
    conn.create_scalar_function("pg_name_at", name_at, 2, deterministic=True)
    conn.create_scalar_function("pg_acldefault", acldefault, 2, deterministic=True)
