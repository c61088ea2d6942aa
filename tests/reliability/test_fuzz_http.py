"""Fuzzing the /recs grammar: generated texts through the parser directly, and hundreds of them
as signed slash commands to the running `serve` process.

Random words, refs, dates, quotes, unicode, 10 KB strings, mentions and URLs. No request
gets a 500; every refusal is ephemeral, names the problem and shows an example; and a
refused command leaves every row of every table as it was.
"""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import grammar as c
from bot.errors import UserError
from tests.e2e.server import SIGNING_SECRET, ServeProcess
from tests.reliability.live import Fingerprint, Tally, record, scaled
from tests.support.driver import SlackDriver
from tests.support.fake_slack import RESPONSE_URL, FakeSlack

PEOPLE = ["U0SAMPATEL", "U0RUTHOKAF", "U0DEVSHARM", "U0JOTURNER", "U0MOAHMED0"]

WORDS = [
    *c.PARSERS,
    "H-12",
    "h-27",
    "H\u201315",
    "H-999",
    "Z-1",
    "H-",
    "-12",
    "H-0",
    "H-99999999999999",
    "due:",
    "due:31/02/2015",
    'due:"March 2015"',
    "agency:",
    'agency:"Thames Valley Police"',
    "rag:red",
    "rag:purple",
    "status:done,in-progress",
    "status:",
    "overdue",
    "mine",
    "at-risk",
    "on-track",
    "in-progress",
    "completed",
    "not-implemented",
    "superseded",
    "next month",
    "31/02/2015",
    "2015-13-01",
    "March 2015",
    "end of March",
    "yesterday",
    "as-of",
    "until",
    "1/1/1900",
    "9999-12-31",
    "0",
    "-1",
    "5000",
    "<@U0DEVSHARM>",
    "<@U0DEVSHARM|dev>",
    "@jo",
    "<@UNOBODY123>",
    "<!channel>",
    "<!here>",
    "<#C0BOARD01|board>",
    "https://example.org/a.pdf",
    "<https://example.org/a.pdf|audit>",
    "javascript:alert(1)",
    "ftp://example.org/x",
    "http://",
    "<http://x|",
    '"',
    "'",
    "\u201c",
    "\u201d",
    '""',
    "--",
    ";",
    "'; DROP TABLE recommendation; --",
    "\x00",
    "\u202e",
    "\u200b",
    "\U0001f642",
    "*bold*",
    "&lt;",
    "&amp;",
    "\t",
    "\n",
    "ß",
    "İ",
]

token = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=16),
    st.from_regex(r"[A-Za-z]{1,3}[-\u2013][0-9]{1,5}", fullmatch=True),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
)
commands = st.one_of(
    st.lists(token, max_size=12).map(" ".join),
    st.text(max_size=300),
    st.tuples(
        st.sampled_from(WORDS),
        st.sampled_from(["x", "é", "\U0001f642 "]),
        st.integers(9_000, 11_000),
    ).map(lambda t: f"{t[0]} H-12 {t[1] * t[2]}"),
)


@settings(max_examples=scaled(1000), deadline=None)
@given(commands)
def test_generated_commands_parse_or_name_the_problem_with_an_example(text: str) -> None:
    try:
        c.parse(text)
    except UserError as error:
        assert error.message
        assert error.example


def refusal_of(body: dict[str, Any]) -> str | None:
    """The refusal's text if the ack is one (error blocks start with :warning:)."""
    blocks = body.get("blocks") or []
    first = blocks[0].get("text", {}).get("text", "") if blocks else ""
    return first if first.startswith(":warning:") else None


# Answers whose work follows them (bot/runner.py: a paper, a reminder sent now).
FOLLOWED_BY_WORK = ("Preparing the ", "Sending the reminder")


def test_hundreds_of_fuzzed_commands_over_http_never_hurt(
    server: ServeProcess, fake: FakeSlack, prints: Fingerprint
) -> None:
    tally = Tally(f"fuzz-http[{server.port}]")
    with SlackDriver(server.events_url, SIGNING_SECRET, fake=fake, timeout=30) as slack:

        @settings(
            max_examples=scaled(300),
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(commands, st.sampled_from(PEOPLE))
        def one(text: str, user: str) -> None:
            before = prints.take()
            response = slack.command(user, text)
            tally.tried += 1
            check_reply(response, text)
            body = response.json() if response.content else {}
            if str(body.get("text", "")).startswith(FOLLOWED_BY_WORK):
                # A paper or a reminder is made after the answer and reported to the
                # response_url: wait for it, or its writes land in the next command's window.
                name = str(slack.last_response_url).rsplit("/", 1)[-1]
                fake.wait_for(
                    lambda c: c.method == RESPONSE_URL and c.params.get("name") == name, 60
                )
            after = prints.take()
            if refusal_of(body) is not None:
                tally.rejected += 1
                assert after == before, f"a refused command wrote something: {text!r}"
            elif after != before:
                tally.written += 1

        one()
    record(tally)
    assert tally.tried >= scaled(300)
    assert tally.rejected > tally.tried // 3  # the generator mostly produces nonsense
    fake.clear()  # replies to the response_url and DMs are not this test's subject


def check_reply(response: httpx.Response, text: str) -> None:
    assert response.status_code == 200, (response.status_code, text, response.text[:300])
    if not response.content:
        return  # an empty ack: a modal was opened
    body = response.json()
    refused = refusal_of(body)
    if refused is None:
        return
    assert body.get("response_type") == "ephemeral", text
    assert "something went wrong" not in refused, (text, refused)
    assert len(refused) > len(":warning: "), text
    everything = str(body)
    assert "Example:" in everything or "can " in refused, (text, body)
