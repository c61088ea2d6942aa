"""Block Kit views: pure functions from data to `slack_sdk.models.blocks`, within Slack's limits."""
