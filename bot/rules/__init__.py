"""The domain's rules, each defined once: lifecycle, permissions, board policy, away, BRAG,
dates and refs. Pure: no database session, no clock, no Slack."""
