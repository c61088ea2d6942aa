"""Configuration from the environment or a `.env` file (PRODUCT.md, "Running it")."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import default_database_url
from storage.models import BOARD_DEFAULTS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    # Many workspaces (the OAuth install, slack/oauth.py): all three, instead of a bot token.
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_state_secret: str | None = None
    slack_token_rotation_minutes: int = 120  # rotate a token with less than this left
    port: int = 3000
    recs_tz: str = BOARD_DEFAULTS.time_zone  # a new board's time zone
    recs_board: str = "Safeguarding Children Board"
    recs_log_level: str = "INFO"
    # Board papers: the protective marking on every page, and whom a reader should contact
    # ("Name, role, phone or email"; by default the board's first admin).
    recs_protective_marking: str = "OFFICIAL"
    recs_contact_officer: str | None = None
    # Test and demo only: pins the clock (ISO date-time) so BRAG colours are stable.
    recs_clock: datetime | None = None
    # Agency members from Slack user groups: JSON {"S0123": "Thames Valley Police (TVP)"}.
    recs_agency_usergroups: dict[str, str] = Field(default_factory=dict)
