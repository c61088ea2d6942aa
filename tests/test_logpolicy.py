"""The log policy (logpolicy.py): a line carries ids, kinds and counts, never a person's
text, a bound parameter or an exception's message, whoever logged it."""

from __future__ import annotations

import logging

from logpolicy import FORMAT, WITHHELD, SafeFormatter, is_ours

MARKER = "confidential note about child H 4471"
TOKEN_MARKER = "marker-without-spaces-4471"


def line(name: str, msg: object, *args: object, exc: BaseException | None = None) -> str:
    record = logging.LogRecord(name, logging.ERROR, "/x/module.py", 7, msg, args, None)
    if exc is not None:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    return SafeFormatter(FORMAT).format(record)


def raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def test_our_templates_show_ids_kinds_and_counts() -> None:
    shown = line("slack.router", "refused a replayed %s from %s (%d)", "command", "U0DEVSHARM", 3)
    assert "refused a replayed command from U0DEVSHARM (3)" in shown


def test_an_argument_that_is_text_is_withheld_even_from_our_own_code() -> None:
    shown = line("bot.reminders.sweep", "reminder %s not sent: %s", "12:overdue", MARKER)
    assert MARKER not in shown and WITHHELD in shown and "12:overdue" in shown


def test_a_librarys_formatted_text_is_withheld() -> None:
    """Bolt writes a refused request's body into an f-string."""
    shown = line("slack_bolt.recs", f"Invalid request signature detected (body: {TOKEN_MARKER})")
    assert TOKEN_MARKER not in shown and "withheld" in shown and "module:7" in shown


def test_a_librarys_template_keeps_its_token_arguments() -> None:
    shown = line("waitress", "Serving on %s", "http://127.0.0.1:3000")
    assert "Serving on http://127.0.0.1:3000" in shown


def test_an_exception_shows_its_frames_and_types_never_its_message() -> None:
    from sqlalchemy.exc import IntegrityError

    try:
        try:
            raise ValueError(f"DETAIL: Key (text)=({TOKEN_MARKER}) already exists")
        except ValueError as inner:
            raise IntegrityError("INSERT …", {"text": TOKEN_MARKER}, inner) from inner
    except IntegrityError as exc:
        shown = line("bot.commands.replies", "command failed (error id %s)", "ab12cd34", exc=exc)
    assert TOKEN_MARKER not in shown
    assert "sqlalchemy.exc.IntegrityError (message withheld)" in shown
    assert "ValueError (message withheld)" in shown
    assert "test_logpolicy.py" in shown  # the frames stay: where it failed is the point


def test_a_message_that_is_not_a_template_is_withheld() -> None:
    shown = line("bot.anything", raised(ValueError(MARKER)))
    assert MARKER not in shown


def test_slack_bolt_and_slack_sdk_are_libraries_and_slack_is_ours() -> None:
    assert is_ours("slack.router") and is_ours("recs.listeners") and is_ours("storage.db")
    assert not is_ours("slack_bolt.App") and not is_ours("slack_sdk.web") and not is_ours("sqlalchemy")
