"""The `/recs` command: its grammar (text to a command) and its dispatch (command to service)."""
