"""board channels, whether evidence came from a private channel, deputies indexed (issue 17)

Revision ID: 0004_i17_board_channels
Revises: 0003
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision: str = '0004_i17_board_channels'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('board_channel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('channel_id')
    )
    with op.batch_alter_table('board_channel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_channel_board_id'), ['board_id'], unique=False)

    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel_private', sa.Boolean(), nullable=True))

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_deputy_id'), ['deputy_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_deputy_id'))

    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_column('channel_private')

    with op.batch_alter_table('board_channel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_channel_board_id'))

    op.drop_table('board_channel')
