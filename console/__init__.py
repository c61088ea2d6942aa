"""The console: the same commands and services as Slack, in a terminal, with a movable clock."""
