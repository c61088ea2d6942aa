"""A recommendation's owner agency, lead officer and text as they stood before a moment,
rebuilt from the audit log, which records each change with the value it replaced.

The value at a moment is the one the first change after it replaced; with no later change,
the current one. The audit entries that change each field:

| field | action | the value it replaced |
|---|---|---|
| agency_id | `recommendation.agency` | `before` |
| lead_officer_id | `recommendation.assign` | `before` |
| agency_id, lead_officer_id, text | `recommendation.reimport` | `before.<field>` |

The audit detail is JSON text; reading one key of it is the one place the SQL differs
between SQLite and PostgreSQL, so it is a small construct compiled for each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, Text, and_, case, cast, exists, literal_column, or_
from sqlalchemy import select as sa_select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col

from storage.models import AuditLog, Recommendation

ENTITY = "recommendation"
REIMPORT = "recommendation.reimport"


class json_value(FunctionElement[str]):
    """The text at a dotted path (`before.agency_id`) of a JSON text column; NULL when the
    path is missing or holds null. The path is a literal of ours, never a person's text."""

    type = Text()
    name = "json_value"
    inherit_cache = True


class json_has(FunctionElement[bool]):
    """Whether the JSON text has the path at all, even holding null (a cleared field)."""

    name = "json_has"
    inherit_cache = True


def _parts(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    column, path = list(element.clauses)
    return compiler.process(column, **kw), str(path.name)  # type: ignore[attr-defined]


@compiles(json_value, "sqlite")
def _json_value_sqlite(element: json_value, compiler: SQLCompiler, **kw: Any) -> str:
    column, path = _parts(element, compiler, **kw)
    return f"json_extract({column}, '$.{path}')"


@compiles(json_value, "postgresql")
def _json_value_postgresql(element: json_value, compiler: SQLCompiler, **kw: Any) -> str:
    column, path = _parts(element, compiler, **kw)
    return f"(CAST({column} AS JSONB) #>> '{{{path.replace('.', ',')}}}')"


@compiles(json_has, "sqlite")
def _json_has_sqlite(element: json_has, compiler: SQLCompiler, **kw: Any) -> str:
    column, path = _parts(element, compiler, **kw)
    return f"(json_type({column}, '$.{path}') IS NOT NULL)"


@compiles(json_has, "postgresql")
def _json_has_postgresql(element: json_has, compiler: SQLCompiler, **kw: Any) -> str:
    # `#>` gives JSON null for a key holding null and SQL NULL only for a missing key.
    column, path = _parts(element, compiler, **kw)
    return f"((CAST({column} AS JSONB) #> '{{{path.replace('.', ',')}}}') IS NOT NULL)"


def _path(path: str) -> Any:
    # A literal column: the path is part of the statement's text, so of its cache key too.
    return literal_column(path)


@dataclass(frozen=True)
class _Field:
    name: str  # the recommendation's column
    action: str | None  # the command's own audit action, whose `before` is the old value

    def changed_by(self) -> Any:
        """The audit entries that changed this field."""
        detail = col(AuditLog.detail)
        reimported = and_(
            col(AuditLog.action) == REIMPORT, json_has(detail, _path(f"before.{self.name}"))
        )
        if self.action is None:
            return reimported
        return or_(col(AuditLog.action) == self.action, reimported)

    def replaced(self) -> Any:
        """The value the entry replaced."""
        detail = col(AuditLog.detail)
        reimported = json_value(detail, _path(f"before.{self.name}"))
        if self.action is None:
            return reimported
        return case(
            (col(AuditLog.action) == self.action, json_value(detail, _path("before"))),
            else_=reimported,
        )


AGENCY = _Field("agency_id", "recommendation.agency")
LEAD_OFFICER = _Field("lead_officer_id", "recommendation.assign")
TEXT = _Field("text", None)


def field_before(field: _Field, cutoff: Any) -> Any:
    """The field's value just before `cutoff` (a value or a bindparam), for the
    recommendation of the enclosing query."""
    r = Recommendation
    later = and_(
        col(AuditLog.entity) == ENTITY,
        # entity_id is text: compare it with the id as text, so the index is used.
        col(AuditLog.entity_id) == cast(col(r.id), String),
        col(AuditLog.at) >= cutoff,
        field.changed_by(),
    )
    first_later = (
        sa_select(field.replaced())
        .where(later)
        .order_by(col(AuditLog.at), col(AuditLog.id))
        .limit(1)
        .correlate(r)
        .scalar_subquery()
    )
    live = getattr(r, field.name)
    replaced: Any = cast(first_later, Integer) if field is AGENCY else first_later
    return case(
        (exists(sa_select(col(AuditLog.id)).where(later).correlate(r)), replaced), else_=col(live)
    )
