"""Gap-free, concurrency-safe counters for case references and licence numbers.

Counting existing rows would give two concurrent registrations the same number; the
UPDATE … RETURNING below takes a row lock (PostgreSQL) or the write lock (SQLite), so the
second transaction waits and gets the next value.
"""

from __future__ import annotations

from sqlalchemy import String, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.persistence.db import Base


class Counter(Base):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def next_value(session: Session, name: str) -> int:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(Counter).values(name=name, value=0).on_conflict_do_nothing(index_elements=["name"]))
    statement = update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    return int(session.execute(statement).scalar_one())
