"""slack installations: many workspaces through the OAuth install (issue 19)

The tables of slack_sdk's SQLAlchemy installation and state stores
(`SQLAlchemyInstallationStore`, `SQLAlchemyOAuthStateStore`), written out here as the
stores define them (tests/slack/test_oauth.py compares them), so that production never
lets a store create its own tables; and the workspace each board belongs to.

Revision ID: 0007_i19_slack_installations
Revises: 0006_i14_people_placeholders
Create Date: 2026-12-02 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007_i19_slack_installations'
down_revision: str | None = '0006_i14_people_placeholders'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _bot_columns() -> list[sa.Column]:
    """The columns slack_bots and slack_installations share, up to the bot's token."""
    return [
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('client_id', sa.String(32), nullable=False),
        sa.Column('app_id', sa.String(32), nullable=False),
        sa.Column('enterprise_id', sa.String(32)),
        sa.Column('enterprise_name', sa.String(200)),
    ]


def _bot_token_columns() -> list[sa.Column]:
    return [
        sa.Column('team_id', sa.String(32)),
        sa.Column('team_name', sa.String(200)),
        sa.Column('bot_token', sa.String(200)),
        sa.Column('bot_id', sa.String(32)),
        sa.Column('bot_user_id', sa.String(32)),
        sa.Column('bot_scopes', sa.String(1000)),
        sa.Column('bot_refresh_token', sa.String(200)),  # token rotation
        sa.Column('bot_token_expires_at', sa.DateTime()),
    ]


def upgrade() -> None:
    op.create_table(
        'slack_bots',
        *_bot_columns(),
        *_bot_token_columns(),
        sa.Column('is_enterprise_install', sa.Boolean(), nullable=False),
        sa.Column('installed_at', sa.DateTime(), nullable=False),
    )
    op.create_index(
        'slack_bots_idx', 'slack_bots', ['client_id', 'enterprise_id', 'team_id', 'installed_at']
    )
    op.create_table(
        'slack_installations',
        *_bot_columns(),
        sa.Column('enterprise_url', sa.String(200)),
        *_bot_token_columns(),
        sa.Column('user_id', sa.String(32), nullable=False),
        sa.Column('user_token', sa.String(200)),
        sa.Column('user_scopes', sa.String(1000)),
        sa.Column('user_refresh_token', sa.String(200)),
        sa.Column('user_token_expires_at', sa.DateTime()),
        sa.Column('incoming_webhook_url', sa.String(200)),
        sa.Column('incoming_webhook_channel', sa.String(200)),
        sa.Column('incoming_webhook_channel_id', sa.String(200)),
        sa.Column('incoming_webhook_configuration_url', sa.String(200)),
        sa.Column('is_enterprise_install', sa.Boolean(), nullable=False),
        sa.Column('token_type', sa.String(32)),
        sa.Column('installed_at', sa.DateTime(), nullable=False),
    )
    op.create_index(
        'slack_installations_idx',
        'slack_installations',
        ['client_id', 'enterprise_id', 'team_id', 'user_id', 'installed_at'],
    )
    op.create_table(
        'slack_oauth_states',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('state', sa.String(200), nullable=False),
        sa.Column('expire_at', sa.DateTime(), nullable=False),
    )
    # A plain nullable column (no rebuild of `board`, which most tables reference): the
    # Slack workspace a board belongs to; None in a single-workspace deployment.
    op.add_column(
        'board', sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
    )
    op.create_index('ix_board_team_id', 'board', ['team_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_board_team_id', table_name='board')
    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.drop_column('team_id')
    op.drop_table('slack_oauth_states')
    op.drop_index('slack_installations_idx', table_name='slack_installations')
    op.drop_table('slack_installations')
    op.drop_index('slack_bots_idx', table_name='slack_bots')
    op.drop_table('slack_bots')
