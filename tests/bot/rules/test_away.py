"""The one away rule (bot/rules/away.py), and each place that used to decide "away" its own way:
the reminder sweep, `/recs remind`, the weekly digest and a deputy's right to answer.

Each test below named after a disagreement proves the single rule where two copies differed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot import services
from bot.reminders.manual import send_now
from bot.reminders.messages import digest_message
from bot.reminders.sweep import (
    Delivery,
    DeliveryFailed,
    Outgoing,
    Sweeper,
)
from bot.rules import away
from bot.rules.permissions import SYSTEM
from console.shell import MovableClock
from storage import queries
from storage.db import Database
from storage.models import Board, Person, UpdateSource
from storage.queries import EVERY_BOARD
from tests.conftest import CSC_LEAD, TVP_LEAD

AT = datetime(2015, 3, 2, 9, 30, tzinfo=UTC)  # Monday: Child H has reminders due
DEV, JO = TVP_LEAD.user_id, CSC_LEAD.user_id  # Dev leads H-12..H-20; Jo deputises


class Notifier:
    """Records what is sent; Slack statuses and time zones on demand."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.on_holiday: set[str] = set()  # whose Slack status says they are away
        self.zones: dict[str, str] = {}
        self.asked: list[str] = []  # whose Slack status was asked for
        self._lock = threading.Lock()

    def time_zone(self, user_id: str) -> str | None:
        return self.zones.get(user_id)

    def held_until(self, user_id: str, now: datetime) -> datetime | None:
        return None

    def on_leave(self, user_id: str) -> bool:
        self.asked.append(user_id)
        return user_id in self.on_holiday

    def user_for_email(self, email: str) -> tuple[str, str] | None:
        return None

    def send(self, message: Outgoing) -> Delivery:
        with self._lock:
            self.sent.append(message)
            return Delivery(message.channel_id or f"D{message.user_id}", f"{len(self.sent)}.0")

    def to(self, user_id: str) -> list[Outgoing]:
        return [m for m in self.sent if m.user_id == user_id]


def _rec_id(db: Database, ref: str) -> int:
    with db.unit_of_work(write=False) as uow:
        rec = queries.recommendation_by_ref(uow.session, ref, EVERY_BOARD)
        assert rec is not None and rec.id is not None
        return rec.id


def _set_away(db: Database, who: str, until: date | None, deputy: str | None = None) -> None:
    with db.unit_of_work() as uow:
        actor = TVP_LEAD if who == DEV else CSC_LEAD
        services.set_away(uow, actor, until, deputy)
        uow.commit()


def _name_deputy(db: Database, who: str, deputy: str) -> None:
    """A deputy on record without away dates: named the last time they were away."""
    with db.unit_of_work() as uow:
        person = uow.session.get(Person, who)
        assert person is not None
        person.deputy_id = deputy
        uow.session.add(person)
        uow.commit()


# --- the rule itself ---------------------------------------------------------------------------


def _person(user_id: str, away_until: date | None = None, deputy: str | None = None) -> Person:
    return Person(id=user_id, name=user_id, away_until=away_until, deputy_id=deputy)


def _no_status(user_id: str) -> bool:
    return False


def _same_day(day: date) -> Callable[[str], date]:
    return lambda user_id: day


def test_away_until_a_date_includes_that_date() -> None:
    until = date(2015, 4, 20)
    assert away.away_by_date(until, date(2015, 4, 20))
    assert not away.away_by_date(until, date(2015, 4, 21))
    assert not away.away_by_date(None, date(2015, 4, 20))


def test_a_slack_status_alone_makes_a_person_away() -> None:
    assert away.is_away(None, date(2015, 3, 2), lambda: True)
    assert not away.is_away(date(2015, 3, 1), date(2015, 3, 2), lambda: False)


def test_the_slack_status_is_not_asked_when_the_dates_already_say_away() -> None:
    asked: list[str] = []

    def status(user_id: str) -> bool:
        asked.append(user_id)
        return False

    people = {"A": _person("A", date(2015, 3, 9), "B"), "B": _person("B")}
    cover = away.cover("A", people, local_day=_same_day(date(2015, 3, 2)), slack_says_away=status)
    assert cover == away.Cover("B", standing_in_for="A") and asked == ["B"]


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        ({"A": _person("A")}, away.Cover("A")),
        ({"A": _person("A", date(2015, 3, 9))}, away.Cover(None)),
        ({"A": _person("A", date(2015, 3, 9), "B")}, away.Cover(None)),  # deputy unknown
        (
            {"A": _person("A", date(2015, 3, 9), "B"), "B": _person("B")},
            away.Cover("B", standing_in_for="A"),
        ),
        (
            {"A": _person("A", date(2015, 3, 9), "B"), "B": _person("B", date(2015, 3, 2))},
            away.Cover(None),
        ),
        ({"A": _person("A", date(2015, 3, 1), "B"), "B": _person("B")}, away.Cover("A")),
    ],
)
def test_who_gets_an_owners_reminders(people: dict[str, Person], expected: away.Cover) -> None:
    day = _same_day(date(2015, 3, 2))
    assert away.cover("A", people, local_day=day, slack_says_away=_no_status) == expected


def test_each_person_is_judged_on_their_own_local_date() -> None:
    # 02:00 UTC on 3 March: still the 2nd in Los Angeles, already the 3rd in London.
    days = {"A": date(2015, 3, 2), "B": date(2015, 3, 3)}
    people = {"A": _person("A", date(2015, 3, 2), "B"), "B": _person("B", date(2015, 3, 2))}
    found = away.cover("A", people, local_day=days.__getitem__, slack_says_away=_no_status)
    assert found == away.Cover("B", standing_in_for="A")


def test_holiday_statuses_are_read_as_away() -> None:
    assert away.status_says_away("Annual leave until Monday", "")
    assert away.status_says_away("", ":palm_tree:")
    assert not away.status_says_away("Holiday planning workshop", ":calendar:")


# --- disagreements, each decided by PRODUCT.md --------------------------------------------------


def test_remind_now_goes_to_the_deputy_on_the_owners_local_date(
    demo_db: Database, clock: MovableClock
) -> None:
    """`/recs remind` read the UTC date, the sweep the owner's own: at 19:00 on 2 March in Los
    Angeles (03:00 UTC on the 3rd) an owner away until the 2nd is still away."""
    _set_away(demo_db, DEV, date(2015, 3, 2), JO)
    clock.set(datetime(2015, 3, 3, 3, 0, tzinfo=UTC))
    notifier = Notifier()
    notifier.zones[DEV] = "America/Los_Angeles"
    assert send_now(demo_db, notifier, _rec_id(demo_db, "H-12")) == JO
    assert notifier.to(DEV) == [] and "Standing in" in notifier.to(JO)[0].text


def test_remind_now_goes_to_the_deputy_when_the_owners_slack_status_says_away(
    demo_db: Database,
) -> None:
    """`/recs remind` ignored the Slack status that the sweep reads."""
    _name_deputy(demo_db, DEV, JO)
    notifier = Notifier()
    notifier.on_holiday.add(DEV)
    assert send_now(demo_db, notifier, _rec_id(demo_db, "H-12")) == JO
    assert notifier.to(DEV) == []


def test_remind_now_sends_nothing_to_an_away_owner_with_no_deputy_free(demo_db: Database) -> None:
    """`/recs remind` sent to the away owner when no deputy could stand in; the sweep held the
    reminder. PRODUCT.md: an away owner "gets no reminders until they are back"."""
    _set_away(demo_db, DEV, date(2015, 3, 20))
    notifier = Notifier()
    with pytest.raises(DeliveryFailed, match="away"):
        send_now(demo_db, notifier, _rec_id(demo_db, "H-12"))
    assert notifier.sent == []


def test_a_deputy_whose_slack_status_says_away_does_not_stand_in(demo_db: Database) -> None:
    """The sweep asked Slack about the owner but not about the deputy it handed the reminders to."""
    _set_away(demo_db, DEV, date(2015, 3, 20), JO)
    notifier = Notifier()
    notifier.on_holiday.add(JO)
    result = Sweeper(demo_db, notifier).sweep(AT)
    assert notifier.to(JO) == [] and notifier.to(DEV) == []
    dev_recs = {str(_rec_id(demo_db, f"H-{n}")) for n in range(12, 21)}
    assert any(key.split(":")[0] in dev_recs for key in result.waiting)


def test_a_deputy_who_is_away_themself_cannot_answer_for_the_owner(demo_db: Database) -> None:
    """storage's standing_on let a named deputy answer while away themself; the sweep would not
    give that deputy the reminders."""
    from bot.services.access import standing_on

    _set_away(demo_db, DEV, date(2015, 3, 20), JO)
    with demo_db.unit_of_work(write=False) as uow:
        rec = queries.recommendation_by_ref(uow.session, "H-12", EVERY_BOARD)
        assert rec is not None
        assert standing_on(uow.session, JO, rec, datetime(2015, 3, 2, 12, tzinfo=UTC)).deputising_for == DEV
    _set_away(demo_db, JO, date(2015, 3, 6))
    with demo_db.unit_of_work(write=False) as uow:
        rec = queries.recommendation_by_ref(uow.session, "H-12", EVERY_BOARD)
        assert rec is not None
        assert standing_on(uow.session, JO, rec, datetime(2015, 3, 2, 12, tzinfo=UTC)).deputising_for is None
        assert standing_on(uow.session, JO, rec, datetime(2015, 3, 7, 12, tzinfo=UTC)).deputising_for == DEV


def test_the_digest_names_an_owner_whose_slack_status_says_away(demo_db: Database) -> None:
    """The digest listed only `/recs away`; the sweep also holds the reminders of an owner whose
    Slack status says they are on holiday. PRODUCT.md: "the chair sees who is away"."""
    notifier = Notifier()
    notifier.on_holiday.add(DEV)
    Sweeper(demo_db, notifier).sweep(AT)
    digest = next(m for m in notifier.sent if ":digest:" in m.key)
    assert "Dev Sharma" in str([b.to_dict() for b in digest.blocks])


# --- the digest's board ----------------------------------------------------------------------------


def test_each_boards_digest_names_only_its_own_away_people(demo_db: Database) -> None:
    other_lead = "U0OTHERLEAD"
    with demo_db.unit_of_work() as uow:
        services.ensure_person(uow.session, other_lead, "Olu Other")
        other = services.ensure_board(uow, SYSTEM, "Other Board", channel_id="C0OTHER01")
        services.ensure_review(uow, SYSTEM, other, "OB", "Other review")
        services.add_recommendation(
            uow,
            SYSTEM,
            services.NewRecommendation("OB", "Share information.", lead_officer_id=other_lead),
            source=UpdateSource.command,
        )
        for who in (DEV, other_lead):
            person = uow.session.get(Person, who)
            assert person is not None
            person.away_until = date(2015, 3, 20)
            uow.session.add(person)
        uow.commit()
    with demo_db.unit_of_work(write=False) as uow:
        boards = {b.name: b for b in uow.session.exec(select(Board)).all()}
        texts = {
            name: str([b.to_dict() for b in digest_message(uow.session, board, AT)[1]])
            for name, board in boards.items()
        }
    demo = next(name for name in texts if name != "Other Board")
    assert "Dev Sharma" in texts[demo] and "Olu Other" not in texts[demo]
    assert "Olu Other" in texts["Other Board"] and "Dev Sharma" not in texts["Other Board"]


def test_an_owner_back_today_is_not_listed_tomorrow(demo_db: Database) -> None:
    _set_away(demo_db, DEV, date(2015, 3, 2))
    with demo_db.unit_of_work(write=False) as uow:
        board = uow.session.exec(select(Board)).one()
        today = str([b.to_dict() for b in digest_message(uow.session, board, AT)[1]])
        tomorrow = digest_message(uow.session, board, AT + timedelta(days=1))[1]
    assert "Dev Sharma" in today
    assert "Dev Sharma" not in str([b.to_dict() for b in tomorrow])


def test_a_deputy_answers_on_the_leads_own_local_date_as_the_sweep_judges_it(
    demo_db: Database,
) -> None:
    """The sweep judges "away until 2 March" on each person's own date; a request did on the
    UTC date. At 02:00 UTC on 3 March it is still 2 March in Los Angeles: an owner there who is
    away until the 2nd is still away, and their deputy still answers for them."""
    from bot.services.access import standing_on

    _set_away(demo_db, DEV, date(2015, 3, 2), JO)
    with demo_db.unit_of_work() as uow:
        person = uow.session.get(Person, DEV)
        assert person is not None
        person.tz = "America/Los_Angeles"
        uow.session.add(person)
        uow.commit()
    with demo_db.unit_of_work(write=False) as uow:
        rec = queries.recommendation_by_ref(uow.session, "H-12", EVERY_BOARD)
        assert rec is not None
        late_on_the_2nd_there = datetime(2015, 3, 3, 2, 0, tzinfo=UTC)
        assert standing_on(uow.session, JO, rec, late_on_the_2nd_there).deputising_for == DEV
        the_3rd_there = datetime(2015, 3, 3, 9, 0, tzinfo=UTC)
        assert standing_on(uow.session, JO, rec, the_3rd_there).deputising_for is None
