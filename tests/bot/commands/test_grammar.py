"""The /recs grammar: every command of PRODUCT.md, and bad input that shows the usage."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import grammar as c
from bot.errors import UserError
from storage.models import Status


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", c.Home()),
        ("help", c.Help()),
        ("help due", c.Help("due")),
        ("add", c.Add()),
        (
            'add H "Audit pre-birth work" agency:"Children\'s Social Care" due:"March 2015"',
            c.Add("H", "Audit pre-birth work", "Children's Social Care", "March 2015"),
        ),
        ("list", c.ListRecs()),
        (
            'list H agency:"Thames Valley Police" rag:red overdue mine',
            c.ListRecs("H", "Thames Valley Police", rag="red", overdue=True, mine=True),
        ),
        (
            "list H status:in-progress,completed",
            c.ListRecs("H", statuses=(Status.in_progress, Status.completed)),
        ),
        ("list owner:@jo", c.ListRecs(owner=c.Mention("@jo"))),
        ("show h-27", c.Show("H-27")),
        ("show H–27", c.Show("H-27")),
        ("H-27", c.Show("H-27")),
        (
            "update H-27 in-progress Audit booked",
            c.Update("H-27", Status.in_progress, None, "Audit booked"),
        ),
        ("update H-27 at-risk trainer left", c.Update("H-27", None, True, "trainer left")),
        ("update H-27 on-track", c.Update("H-27", None, False, "")),
        ("update H-27 note Audit booked", c.Update("H-27", None, None, "Audit booked")),
        (
            "update H-27 superseded H-40 merged",
            c.Update("H-27", Status.superseded, note="merged", superseded_by="H-40"),
        ),
        ("note H-27 Audit booked for March", c.Note("H-27", "Audit booked for March")),
        ("done H-27", c.Done("H-27")),
        (
            "done H-27 https://example.org/a.pdf Audit done",
            c.Done("H-27", "https://example.org/a.pdf", "Audit done"),
        ),
        (
            "done H-27 <https://example.org/a.pdf|audit>",
            c.Done("H-27", "https://example.org/a.pdf", ""),
        ),
        ("assign H-27 @jo", c.Assign("H-27", c.Mention("@jo"))),
        ("assign H-27 <@U0JOTURNER|jo>", c.Assign("H-27", c.Mention("<@U0JOTURNER|jo>"))),
        ('agency H-12 "Thames Valley Police"', c.ChangeAgency("H-12", "Thames Valley Police")),
        (
            'due H-27 "end of March 2015" audit moved',
            c.Due("H-27", "end of March 2015", "audit moved"),
        ),
        (
            "due H-27 end of March 2015 audit moved",
            c.Due("H-27", "end of March 2015", "audit moved"),
        ),
        ("due H-27 31/3/2015", c.Due("H-27", "31/3/2015", "")),
        (
            "evidence H-27 https://example.org/audit.pdf Audit report",
            c.AddEvidence("H-27", "https://example.org/audit.pdf", "Audit report"),
        ),
        ("signoff H-27", c.SignOff("H-27")),
        ("reject H-27 one team only", c.Reject("H-27", "one team only")),
        ("summary", c.Summary()),
        ("summary H as-of 31/10/2014 public", c.Summary("H", date(2014, 10, 31), True)),
        ("report H xlsx as-of 2014-10-31", c.Report("H", "xlsx", date(2014, 10, 31))),
        ("report", c.Report()),
        ("import", c.Import()),
        ("remind H-27", c.Remind("H-27")),
        ("away until 20/4/2015 @jo", c.Away(date(2015, 4, 20), c.Mention("@jo"))),
        ("away until 2015-04-20", c.Away(date(2015, 4, 20))),
        ("back", c.Back()),
        ('theme "information sharing"', c.Theme("information sharing")),
        ("sample", c.Sample()),
        ("sample 3", c.Sample(3)),
        ("settings", c.Settings()),
    ],
)
def test_parses(text: str, expected: c.Command) -> None:
    assert c.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "shows"),
    [
        ("frobnicate", "/recs help"),
        ("show", "/recs show H-27"),
        ("show twelve", "/recs show H-27"),
        ("show H-27 extra", "/recs show H-27"),
        ("update H-27", "/recs update"),
        ("update H-27 finished", "/recs update"),
        ("update H-27 assured", "/recs signoff"),
        ("update H-27 not-implemented", "/recs update"),
        ("note H-27", "/recs note"),
        ("assign H-27 jo", "/recs assign"),
        ("agency H-27", "/recs agency"),
        ("due H-27", "/recs due"),
        ("due H-27 soonish", "/recs due"),
        ("evidence H-27 not-a-link", "/recs evidence"),
        ("reject H-27", "/recs reject"),
        ("summary as-of yesterday-ish", "/recs summary"),
        ("report H odt", "/recs report"),
        ("away", "/recs away"),
        ("away until never", "/recs away"),
        ("sample 0", "/recs sample"),
        ("sample lots", "/recs sample"),
        ('note H-27 "unclosed', "/recs help"),
        ("list rag:purple", "/recs list"),
        ("list status:finished", "/recs list"),
        ("x" * 5000, "/recs help"),
    ],
)
def test_bad_input_names_the_problem_and_shows_an_example(text: str, shows: str) -> None:
    with pytest.raises(UserError) as error:
        c.parse(text)
    assert error.value.example
    assert shows in str(error.value)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_gives_a_user_error(text: str) -> None:
    try:
        c.parse(text)
    except UserError as error:
        assert error.message
        assert error.example


def test_a_theme_page_button_runs_the_theme_again_at_that_page() -> None:
    import json

    from handlers.actions.list_pages import page_command

    value = json.dumps({"command": 'theme "information sharing"', "page": 2})
    assert page_command(value) == c.Theme("information sharing", page=2)


def test_people_lists_and_links_the_names_an_import_kept() -> None:
    from bot.commands.typed import LinkPerson, Mention, People

    assert c.parse("people") == People()
    assert c.parse('people link "Jo Turner" <@U0JOTURNER|jo>') == LinkPerson(
        "Jo Turner", Mention("<@U0JOTURNER|jo>")
    )
    assert c.parse("people link jo.turner@example.org @jo") == LinkPerson(
        "jo.turner@example.org", Mention("@jo")
    )
    with pytest.raises(UserError, match="Usage"):
        c.parse("people link @jo")
