"""Reminders: which are due (pure), the sweep that sends them once, the scheduler, and the
owner's replies in a reminder's thread."""
