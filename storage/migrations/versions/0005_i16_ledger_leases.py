"""reminder ledger: leases on the database's clock, sends in doubt, undeliverable reminders

Revision ID: 0004_i16_ledger_leases
Revises: 0004_i17_board_channels
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision: str = '0004_i16_ledger_leases'
down_revision: str | None = '0004_i17_board_channels'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('reminder_ledger', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('in_doubt', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column('first_claimed_at', storage.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column('failure', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column('failed_at', storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('reminder_ledger', schema=None) as batch_op:
        batch_op.drop_column('failed_at')
        batch_op.drop_column('failure')
        batch_op.drop_column('first_claimed_at')
        batch_op.drop_column('in_doubt')
