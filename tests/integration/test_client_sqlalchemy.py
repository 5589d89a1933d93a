"""SQLAlchemy 2 (ORM, Core, reflection) and Alembic (autogenerate, upgrade, downgrade)
against Sixfold, and the same tests against PostgreSQL 15: every test runs on both
servers and must pass on both."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import textwrap
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from tests.integration.pg_endpoints import Endpoint, postgres_endpoint, sixfold_endpoint  # noqa: F401

pytestmark = pytest.mark.integration


@pytest.fixture(params=["postgres", "sixfold"])
def endpoint(request) -> Endpoint:
    return request.getfixturevalue(f"{request.param}_endpoint")


def engine(ep: Endpoint) -> sa.Engine:
    return sa.create_engine(ep.uri.replace("postgresql://", "postgresql+psycopg://"),
                            connect_args={"options": "-c TimeZone=UTC", "connect_timeout": 10})


def models(prefix: str):
    class Base(DeclarativeBase):
        pass

    class Author(Base):
        __tablename__ = f"{prefix}_authors"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(50), unique=True)
        created: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
        books: Mapped[list[Book]] = relationship(back_populates="author", cascade="all, delete-orphan",
                                                 order_by="Book.id")

    class Book(Base):
        __tablename__ = f"{prefix}_books"
        id: Mapped[int] = mapped_column(primary_key=True)
        author_id: Mapped[int] = mapped_column(sa.ForeignKey(f"{prefix}_authors.id", ondelete="CASCADE"), index=True)
        title: Mapped[str] = mapped_column(sa.String(100))
        price: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(10, 2), server_default="0")
        published: Mapped[dt.date | None]
        author: Mapped[Author] = relationship(back_populates="books")

    return Base, Author, Book


def test_orm_sequence_ids(endpoint):
    """A model whose key comes from an explicit Sequence: create_all creates it, inserts
    take their ids from it (SQLAlchemy runs nextval), drop_all drops it."""
    prefix = f"q{uuid.uuid4().hex[:8]}"

    class Base(DeclarativeBase):
        pass

    seq = sa.Sequence(f"{prefix}_ticket_seq", start=100, increment=10)

    class Ticket(Base):
        __tablename__ = f"{prefix}_tickets"
        id: Mapped[int] = mapped_column(sa.BigInteger, seq, server_default=seq.next_value(), primary_key=True)
        subject: Mapped[str] = mapped_column(sa.String(40))

    eng = engine(endpoint)
    try:
        Base.metadata.create_all(eng)
        assert sa.inspect(eng).has_sequence(f"{prefix}_ticket_seq")
        with Session(eng) as s:
            s.add_all([Ticket(subject="a"), Ticket(subject="b")])
            s.commit()
            assert s.execute(sa.select(Ticket.id, Ticket.subject).order_by(Ticket.id)).all() == [
                (100, "a"), (110, "b")]
        with eng.begin() as c:
            c.execute(sa.insert(Ticket.__table__).values(subject="core"))  # the server default
            assert c.scalar(sa.select(sa.func.max(Ticket.id))) == 120
            assert c.scalar(seq.next_value()) == 130
        assert f"{prefix}_ticket_seq" in sa.inspect(eng).get_sequence_names()
    finally:
        Base.metadata.drop_all(eng)
        eng.dispose()
    assert not sa.inspect(eng).has_sequence(f"{prefix}_ticket_seq")


def test_identity_and_serial_keys(endpoint):
    """An Identity() key (GENERATED ALWAYS, START 10) and a serial key whose rows were
    loaded with explicit ids, as an application's fixtures load them: the identity refuses
    an explicit id, reflection shows its options; the serial's sequence did not see the
    explicit ids until setval (pg_get_serial_sequence) moves it past them."""
    prefix = f"i{uuid.uuid4().hex[:8]}"
    meta = sa.MetaData()
    events = sa.Table(f"{prefix}_events", meta,
                      sa.Column("id", sa.Integer, sa.Identity(always=True, start=10, increment=5), primary_key=True),
                      sa.Column("kind", sa.String(20)))
    items = sa.Table(f"{prefix}_items", meta, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("name", sa.String(20), unique=True))
    eng = engine(endpoint)
    try:
        meta.create_all(eng)
        with eng.begin() as c:
            ids = c.execute(sa.insert(events).returning(events.c.id), [{"kind": "a"}, {"kind": "b"}]).scalars().all()
            assert ids == [10, 15]
        with pytest.raises(sa.exc.ProgrammingError) as e, eng.begin() as c:
            c.execute(sa.insert(events).values(id=1, kind="c"))
        assert e.value.orig.sqlstate == "428C9"
        identity = {c["name"]: c for c in sa.inspect(eng).get_columns(f"{prefix}_events")}["id"]["identity"]
        assert (identity["always"], identity["start"], identity["increment"]) == (True, 10, 5)
        with eng.begin() as c:
            c.execute(sa.insert(items), [{"id": 1, "name": "x"}, {"id": 2, "name": "y"}])
        with pytest.raises(sa.exc.IntegrityError), eng.begin() as c:
            c.execute(sa.insert(items).values(name="z"))  # the sequence gives 1: taken
        with eng.begin() as c:
            c.execute(sa.text(f"select setval(pg_get_serial_sequence('{prefix}_items', 'id'), "
                              f"(select max(id) from {prefix}_items))"))
            assert c.execute(sa.insert(items).values(name="z").returning(items.c.id)).scalar() == 3
    finally:
        meta.drop_all(eng)
        eng.dispose()


def test_array_columns(endpoint):
    """ARRAY columns through the ORM: lists in and out, = ANY and @> in queries, and
    reflection gives the array type back."""
    prefix = f"r{uuid.uuid4().hex[:8]}"

    class Base(DeclarativeBase):
        pass

    class Post(Base):
        __tablename__ = f"{prefix}_posts"
        id: Mapped[int] = mapped_column(primary_key=True)
        tags: Mapped[list[str]] = mapped_column(postgresql.ARRAY(sa.Text))
        scores: Mapped[list[int] | None] = mapped_column(postgresql.ARRAY(sa.Integer))

    eng = engine(endpoint)
    try:
        Base.metadata.create_all(eng)
        with Session(eng) as s:
            s.add_all([Post(id=1, tags=["db", "quorum"], scores=[3, 5]), Post(id=2, tags=["lsm"], scores=None)])
            s.commit()
            assert s.get(Post, 1).tags == ["db", "quorum"] and s.get(Post, 1).scores == [3, 5]
            assert s.scalars(sa.select(Post.id).where(sa.literal("lsm") == sa.any_(Post.tags))).all() == [2]
            assert s.scalars(sa.select(Post.id).where(Post.scores.contains([5]))).all() == [1]
        cols = {c["name"]: c for c in sa.inspect(eng).get_columns(f"{prefix}_posts")}
        assert isinstance(cols["tags"]["type"], sa.ARRAY) and isinstance(cols["scores"]["type"].item_type, sa.Integer)
    finally:
        Base.metadata.drop_all(eng)
        eng.dispose()


class TaskStatus(enum.Enum):
    new = "new"
    active = "active"
    done = "done"


def test_enum_columns(endpoint):
    """sa.Enum makes a PostgreSQL enum type: create_all creates it once (checkfirst finds
    it the second time), rows sort in the labels' order, a value that is no label fails
    (22P02), reflection gives the type and its labels back, drop_all drops the type."""
    prefix = f"e{uuid.uuid4().hex[:8]}"
    Status = TaskStatus

    class Base(DeclarativeBase):
        pass

    class Task(Base):
        __tablename__ = f"{prefix}_tasks"
        id: Mapped[int] = mapped_column(primary_key=True)
        status: Mapped[TaskStatus] = mapped_column(sa.Enum(TaskStatus, name=f"{prefix}_status"))

    eng = engine(endpoint)
    try:
        Base.metadata.create_all(eng)
        Base.metadata.create_all(eng)
        with Session(eng) as s:
            s.add_all([Task(id=1, status=Status.done), Task(id=2, status=Status.new), Task(id=3, status=Status.active)])
            s.commit()
            assert [t.id for t in s.scalars(sa.select(Task).order_by(Task.status))] == [2, 3, 1]
            assert s.scalars(sa.select(Task.id).where(Task.status > Status.new).order_by(Task.id)).all() == [1, 3]
        with eng.connect() as c, pytest.raises(sa.exc.DataError) as e:
            c.execute(sa.text(f"insert into {prefix}_tasks values (4, 'lost')"))
        assert e.value.orig.sqlstate == "22P02"
        enums = {x["name"]: x["labels"] for x in sa.inspect(eng).get_enums()}
        assert enums[f"{prefix}_status"] == ["new", "active", "done"]
        col = {c["name"]: c for c in sa.inspect(eng).get_columns(f"{prefix}_tasks")}["status"]
        assert isinstance(col["type"], sa.Enum) and col["type"].enums == ["new", "active", "done"]
    finally:
        Base.metadata.drop_all(eng)
        assert f"{prefix}_status" not in {x["name"] for x in sa.inspect(eng).get_enums()}
        eng.dispose()


def test_orm_create_insert_query_delete(endpoint):
    prefix = f"o{uuid.uuid4().hex[:8]}"
    Base, Author, Book = models(prefix)
    eng = engine(endpoint)
    try:
        Base.metadata.create_all(eng)
        with Session(eng) as s:
            s.add_all([Author(name="ann", books=[Book(title="one", price=decimal.Decimal("9.99")),
                                                 Book(title="two", published=dt.date(2024, 2, 29))]),
                       Author(name="bob")])
            s.commit()
            ann = s.scalars(sa.select(Author).where(Author.name == "ann")).one()
            assert [(b.title, b.price, b.published) for b in ann.books] == [
                ("one", decimal.Decimal("9.99"), None), ("two", decimal.Decimal("0.00"), dt.date(2024, 2, 29))]
            assert ann.created.tzinfo is not None and abs(ann.created - dt.datetime.now(dt.UTC)) < dt.timedelta(hours=1)
            rows = s.execute(sa.select(Author.name, sa.func.count(Book.id)).outerjoin(Book)
                             .group_by(Author.name).order_by(Author.name)).all()
            assert rows == [("ann", 2), ("bob", 0)]
            ann.books[0].price = decimal.Decimal("12.50")
            s.commit()
            assert s.scalar(sa.select(sa.func.sum(Book.price))) == decimal.Decimal("12.50")
            s.delete(ann)
            s.commit()
            assert s.scalar(sa.select(sa.func.count()).select_from(Book)) == 0
            assert s.scalar(sa.select(sa.func.sum(Book.price))) is None
    finally:
        Base.metadata.drop_all(eng)
        eng.dispose()


def test_core_insert_select_update(endpoint):
    prefix = f"c{uuid.uuid4().hex[:8]}"
    meta = sa.MetaData()
    t = sa.Table(f"{prefix}_events", meta, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("kind", sa.String(20), nullable=False), sa.Column("at", sa.DateTime(timezone=True)),
                 sa.Column("payload", sa.JSON), sa.Column("ok", sa.Boolean, server_default=sa.true()))
    eng = engine(endpoint)
    try:
        meta.create_all(eng)
        base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        with eng.begin() as c:
            c.execute(t.insert(), [{"kind": k, "at": base + dt.timedelta(hours=i), "payload": {"i": i}}
                                   for i, k in enumerate(["a", "b", "a", "c"])])
            ids = c.execute(t.insert().returning(t.c.id), [{"kind": "z"}, {"kind": "y"}]).scalars().all()
            assert len(ids) == 2
        with eng.connect() as c:
            assert c.execute(sa.select(t.c.kind).where(t.c.at > base + dt.timedelta(minutes=30))
                             .order_by(t.c.id)).scalars().all() == ["b", "a", "c"]
            assert c.execute(sa.select(sa.func.count()).where(t.c.kind.in_(["a", "c"]))).scalar() == 3
            assert c.execute(sa.select(t.c.payload).where(t.c.kind == "b")).scalar() == {"i": 1}
            assert c.execute(sa.select(t.c.ok).where(t.c.kind == "z")).scalar() is True
        with eng.begin() as c:
            assert c.execute(t.update().where(t.c.kind == "a").values(ok=False)).rowcount == 2
            assert c.execute(t.delete().where(t.c.ok.is_(False))).rowcount == 2
    finally:
        meta.drop_all(eng)
        eng.dispose()


def test_reflection(endpoint):
    prefix = f"r{uuid.uuid4().hex[:8]}"
    Base, _, _ = models(prefix)
    eng = engine(endpoint)
    try:
        Base.metadata.create_all(eng)
        insp = sa.inspect(eng)
        assert {f"{prefix}_authors", f"{prefix}_books"} <= set(insp.get_table_names())
        cols = {c["name"]: c for c in insp.get_columns(f"{prefix}_books")}
        assert list(cols) == ["id", "author_id", "title", "price", "published"]
        assert [str(cols[n]["type"]) for n in cols] == ["INTEGER", "INTEGER", "VARCHAR(100)", "NUMERIC(10, 2)",
                                                        "DATE"]
        assert [cols[n]["nullable"] for n in cols] == [False, False, False, False, True]
        assert cols["id"]["default"].startswith("nextval(") and cols["id"]["autoincrement"] is True
        assert cols["price"]["default"] is not None and cols["title"]["default"] is None
        assert insp.get_pk_constraint(f"{prefix}_books")["constrained_columns"] == ["id"]
        fk, = insp.get_foreign_keys(f"{prefix}_books")
        assert (fk["constrained_columns"], fk["referred_table"], fk["referred_columns"], fk["options"]) == (
            ["author_id"], f"{prefix}_authors", ["id"], {"ondelete": "CASCADE"})
        idx, = insp.get_indexes(f"{prefix}_books")
        assert (idx["name"], idx["unique"], idx["column_names"]) == (f"ix_{prefix}_books_author_id", False,
                                                                    ["author_id"])
        uq, = insp.get_unique_constraints(f"{prefix}_authors")
        assert (uq["name"], uq["column_names"]) == (f"{prefix}_authors_name_key", ["name"])
        assert sa.inspect(eng).has_table(f"{prefix}_books") and not sa.inspect(eng).has_table(f"{prefix}_none")
    finally:
        Base.metadata.drop_all(eng)
        eng.dispose()


_MODELS = '''
import sqlalchemy as sa
metadata = sa.MetaData()
users = sa.Table("{p}_users", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(120), nullable=False, unique=True),
    sa.Column("created", sa.DateTime(timezone=True), server_default=sa.func.now()),
    *[{extra}], comment="people who post")
posts = sa.Table("{p}_posts", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("{p}_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("body", sa.Text, comment="the post's text"),
    sa.Index("ix_{p}_posts_user", "user_id"))
'''

_ENV_TAIL = '''
import importlib.util, os
_spec = importlib.util.spec_from_file_location("models_now", os.environ["SIXFOLD_TEST_MODELS"])
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)
target_metadata = _mod.metadata
'''


def _revision_ops(path: Path) -> str:
    text = path.read_text()
    return text[text.index("def upgrade"):]


def test_alembic_autogenerate_upgrade_downgrade(endpoint, tmp_path, monkeypatch):
    prefix = f"m{uuid.uuid4().hex[:8]}"
    cfg = Config(str(tmp_path / "alembic.ini"))
    cfg.set_main_option("script_location", str(tmp_path / "migrations"))
    cfg.set_main_option("sqlalchemy.url", endpoint.uri.replace("postgresql://", "postgresql+psycopg://"))
    command.init(cfg, str(tmp_path / "migrations"))
    env = tmp_path / "migrations" / "env.py"
    text = env.read_text().replace("target_metadata = None", _ENV_TAIL)
    # Only this test's tables: the server is shared with the other tests of the module.
    text = text.replace("target_metadata=target_metadata,", "target_metadata=target_metadata, include_name=lambda "
                        f"name, type_, parent: type_ != 'table' or name.startswith('{prefix}_'),")
    env.write_text(text)
    versions = tmp_path / "migrations" / "versions"

    def write_models(n: int, extra: str) -> None:
        path = tmp_path / f"models_{n}.py"
        path.write_text(textwrap.dedent(_MODELS).replace("{p}", prefix).replace("{extra}", extra))
        monkeypatch.setenv("SIXFOLD_TEST_MODELS", str(path))

    eng = engine(endpoint)
    try:
        write_models(1, "")
        command.revision(cfg, message="init", autogenerate=True, rev_id=f"{prefix}_1")
        ops1 = _revision_ops(versions / f"{prefix}_1_init.py")
        assert f"op.create_table('{prefix}_users'" in ops1 and f"op.create_table('{prefix}_posts'" in ops1
        assert f"op.create_index('ix_{prefix}_posts_user'" in ops1
        command.upgrade(cfg, "head")
        assert {f"{prefix}_users", f"{prefix}_posts"} <= set(sa.inspect(eng).get_table_names())

        write_models(2, 'sa.Column("nickname", sa.String(40)), sa.Index("ix_{p}_users_nick", "nickname")'
                     .replace("{p}", prefix))
        command.revision(cfg, message="nick", autogenerate=True, rev_id=f"{prefix}_2")
        ops2 = _revision_ops(versions / f"{prefix}_2_nick.py")
        assert f"op.add_column('{prefix}_users', sa.Column('nickname'" in ops2
        assert f"op.create_index('ix_{prefix}_users_nick'" in ops2
        assert "drop_table" not in ops2.split("def downgrade")[0]
        command.upgrade(cfg, "head")
        assert "nickname" in [c["name"] for c in sa.inspect(eng).get_columns(f"{prefix}_users")]

        command.revision(cfg, message="same", autogenerate=True, rev_id=f"{prefix}_3")
        ops3 = _revision_ops(versions / f"{prefix}_3_same.py")
        assert "op." not in ops3, f"a schema that matches its models autogenerates no operation:\n{ops3}"

        command.downgrade(cfg, f"{prefix}_1")
        assert "nickname" not in [c["name"] for c in sa.inspect(eng).get_columns(f"{prefix}_users")]
        command.downgrade(cfg, "base")
        assert not {f"{prefix}_users", f"{prefix}_posts"} & set(sa.inspect(eng).get_table_names())
    finally:
        with eng.begin() as c:
            c.execute(sa.text(f"drop table if exists {prefix}_posts"))
            c.execute(sa.text(f"drop table if exists {prefix}_users"))
            c.execute(sa.text("drop table if exists alembic_version"))
        eng.dispose()
