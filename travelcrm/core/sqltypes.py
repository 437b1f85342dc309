"""Column helpers shared by every domain's models."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Numeric, TypeDecorator
from sqlalchemy.types import TypeEngine
from sqlmodel import Field

from travelcrm.core.clock import utcnow


def utc_datetime(*, nullable: bool = False, index: bool = False, default_now: bool = False) -> Any:
    """A timezone-aware UTC timestamp column (TIMESTAMPTZ on PostgreSQL)."""
    kwargs: dict[str, Any] = {"sa_type": DateTime(timezone=True), "nullable": nullable}
    if index:
        kwargs["index"] = True
    if default_now:
        kwargs["default_factory"] = utcnow
    elif nullable:
        kwargs["default"] = None
    return Field(**kwargs)


__all__ = ["Amount", "ExactRate", "amount", "datetime", "exact_rate", "utc_datetime"]


class Amount(TypeDecorator[Decimal]):
    """An exact decimal amount (money, percentages): NUMERIC(18, 4) on PostgreSQL; on SQLite,
    which has no exact decimal type, an integer of ten-thousandths (so sums and comparisons in
    SQL stay exact there too). Values are Decimals on the Python side on both."""

    impl = Numeric(18, 4)
    cache_ok = True
    SCALE = Decimal("0.0001")

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(18, 4, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        exact = Decimal(value).quantize(self.SCALE)
        return int(exact.scaleb(4)) if dialect.name == "sqlite" else exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-4)
        return Decimal(value).quantize(self.SCALE)


def amount(*, nullable: bool = False, default: Any = None) -> Any:
    """An exact decimal column (see `Amount`)."""
    kwargs: dict[str, Any] = {"sa_type": Amount(), "nullable": nullable}
    if default is not None or nullable:
        kwargs["default"] = default
    return Field(**kwargs)


class ExactRate(TypeDecorator[Decimal]):
    """An exchange rate kept to twelve decimal places (a rupee in dollars is 0.011976...):
    NUMERIC(24, 12) on PostgreSQL; on SQLite the decimal's text, read back exactly."""

    impl = Numeric(24, 12)
    cache_ok = True
    SCALE = Decimal("1e-12")

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            from sqlalchemy import String

            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(24, 12, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        exact = Decimal(value).quantize(self.SCALE)
        return str(exact) if dialect.name == "sqlite" else exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(self.SCALE)


def exact_rate(*, nullable: bool = False) -> Any:
    """An exchange-rate column (see `ExactRate`)."""
    kwargs: dict[str, Any] = {"sa_type": ExactRate(), "nullable": nullable}
    if nullable:
        kwargs["default"] = None
    return Field(**kwargs)
