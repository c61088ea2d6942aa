"""End-to-end test kit: a loopback fake Slack Web API, and a driver that signs requests
the way Slack does."""
