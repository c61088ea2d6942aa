"""people placeholders: a linked placeholder remembers its Slack user

Revision ID: 0006_i14_people_placeholders
Revises: 0004_i16_ledger_leases
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0006_i14_people_placeholders'
down_revision: str | None = '0004_i16_ledger_leases'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain nullable column: ALTER TABLE ADD COLUMN on both SQLite and PostgreSQL, with no
    # table rebuild of `person`, which most tables reference.
    op.add_column(
        'person',
        sa.Column('linked_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('linked_id')
