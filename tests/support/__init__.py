"""The fake-Slack toolkit the tests share (tests of the `slack/` package are in tests/slack/):
a loopback fake Slack Web API, and a driver that signs requests the way Slack does."""
