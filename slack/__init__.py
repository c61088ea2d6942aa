"""The Slack adapter: the bolt apps and the request router, actor lookup, the notifier, reply
helpers and modal forms. Listeners themselves live in handlers/.

This package shadows slack_sdk's deprecated top-level `slack` shim (the v2 client's old
name), which nothing here imports."""
