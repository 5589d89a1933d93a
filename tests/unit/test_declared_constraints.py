"""declared_constraints: dropping a CHECK or foreign key from a CREATE TABLE text removes
that clause and nothing else, by PostgreSQL's name of it."""

from compute_node.pg_sql import declared_constraints

_CREATE = ('CREATE TABLE dc (id integer CONSTRAINT "22P02 integer id" CHECK (typeof(id) IN (\'integer\', \'null\')), '
           'p integer REFERENCES dp ON delete CASCADE CONSTRAINT "22003 integer p" CHECK (p >= 0), '
           'q integer CONSTRAINT myfk REFERENCES dp (k) DEFERRABLE INITIALLY DEFERRED, r integer, s integer, '
           'FOREIGN KEY (r) REFERENCES dp, CONSTRAINT two FOREIGN KEY (r, s) REFERENCES dp (id, k), '
           'CONSTRAINT "23514 dc dc_r_check" CHECK (r > 0) /* pgcheck:ciA+IDA= */, '
           'CONSTRAINT "23514 dc cc" CHECK ((s) > 0) /* pgcheck:cyA+IDA= */)')


def _without(name: str) -> str | None:
    edited = declared_constraints.without(_CREATE, "dc", name)
    return edited and edited[0]


def test_each_constraint_goes_alone():
    assert _without("dc_p_fkey") == _CREATE.replace(" REFERENCES dp ON delete CASCADE", "")
    assert _without("myfk") == _CREATE.replace(" CONSTRAINT myfk REFERENCES dp (k) DEFERRABLE INITIALLY DEFERRED", "")
    assert _without("dc_r_fkey") == _CREATE.replace(" FOREIGN KEY (r) REFERENCES dp,", "")
    assert _without("two") == _CREATE.replace(" CONSTRAINT two FOREIGN KEY (r, s) REFERENCES dp (id, k),", "")
    assert _without("dc_r_check") == _CREATE.replace(
        ' CONSTRAINT "23514 dc dc_r_check" CHECK (r > 0) /* pgcheck:ciA+IDA= */,', "")
    assert _without("cc") == _CREATE.replace(', CONSTRAINT "23514 dc cc" CHECK ((s) > 0) /* pgcheck:cyA+IDA= */', "")


def test_other_names_are_not_found():
    for name in ("nosuch", "dc_q_fkey", "dc_id_check", "22P02 integer id", "dc_pkey"):
        assert declared_constraints.without(_CREATE, "dc", name) is None


def test_a_column_reference_name():
    assert declared_constraints.column_reference_name(_CREATE, "q") == "myfk"
    assert declared_constraints.column_reference_name(_CREATE, "p") is None
    assert declared_constraints.column_reference_name(_CREATE, "r") is None
