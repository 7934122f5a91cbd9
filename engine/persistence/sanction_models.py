"""Tables of the sanction procedure (alkoholforskriften kap. 9–10): point awards, suspensions,
transfers of ownership and the rule set each municipality runs under.

The point history of a licence is kept here rather than in any one case: a sanction case reads
it (fresh, through the `sanction` context provider) to decide whether the threshold is reached,
and the process events of the cases write it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.db import Base, UTCDateTime


class MunicipalitySetting(Base):
    """A setting of one municipality, e.g. `rule_set` = "alkf-2016" (the active point rule set)."""

    __tablename__ = "municipality_setting"

    municipality: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(80))


class PointAward(Base):
    """Points given for one violation by a point decision (alkf. §§ 10-3, 10-5).

    `violation_date` is the control date: the window of alkf. § 10-2 is measured on it. A
    point decision set aside on appeal is `annulled`; points that formed the basis of a
    suspension are `consumed_by_case_id` (that sanction case) and are not counted again.
    Awards from before the system (imported history) have no case.
    """

    __tablename__ = "point_award"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)  # "<case reference>-<n>"
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    violation_date: Mapped[date] = mapped_column(Date, index=True)
    code: Mapped[str] = mapped_column(String(40))
    provision: Mapped[str] = mapped_column(String(200))
    label: Mapped[str | None] = mapped_column(String(300))
    points: Mapped[int] = mapped_column(Integer)
    standard_points: Mapped[int] = mapped_column(Integer)
    justification: Mapped[str | None] = mapped_column(Text)  # særskilt begrunnelse (alkf. § 10-4)
    decided_on: Mapped[date] = mapped_column(Date)
    rule_set: Mapped[str] = mapped_column(String(40))  # name and version, e.g. "alkf-2016 v1"
    consumed_by_case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    annulled: Mapped[bool] = mapped_column(Boolean, default=False)
    annulled_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Suspension(Base):
    """A decided suspension (inndragning, alkf. § 10-6); the period is set when it is implemented."""

    __tablename__ = "suspension"

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), unique=True)
    days: Mapped[int] = mapped_column(Integer)
    decided_on: Mapped[date] = mapped_column(Date)
    competent_body: Mapped[str] = mapped_column(String(40))
    implementation_deadline: Mapped[date] = mapped_column(Date)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    annulled: Mapped[bool] = mapped_column(Boolean, default=False)
    annulled_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OwnershipTransfer(Base):
    """A transfer of ownership (overdragelse, alkl. § 1-10): it starts a new point period."""

    __tablename__ = "ownership_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("licence.id"), index=True)
    transferred_on: Mapped[date] = mapped_column(Date)
    previous_holder_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    new_holder_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(80))


Index("ix_suspension_licence_period", Suspension.licence_id, Suspension.starts_on, Suspension.ends_on)
Index("ix_ownership_transfer_licence_date", OwnershipTransfer.licence_id, OwnershipTransfer.transferred_on)
