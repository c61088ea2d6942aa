"""Storage: SQLModel tables, the engine and unit of work, read queries and migrations.

Knows nothing of Slack.
"""
