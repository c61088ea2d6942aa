"""Lead officers as plans write them (bot/services/leads.py) and `/recs people`: an email, a
Slack id or a name; names matched to Slack users, else kept as placeholders an admin links
later; a re-import finds the linked user. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.commands.dispatch import CommandRunner
from bot.errors import NotAllowed
from bot.services.leads import DirectoryEntry, name_key, name_placeholder_id
from bot.services.suite import Services
from storage.db import Database
from storage.models import Person, Recommendation
from tests.conftest import ADMIN, MEMBER

PLAN = """No,Recommendation,Agency,Lead officer,Due date
1,Audit pre-birth assessments,Children's Social Care,Jo Turner,31/3/2015
2,Brief response officers,Thames Valley Police (TVP),"Dev Sharma, Detective Inspector",31/3/2015
3,Review the DNA policy,Oxford University Hospital NHS Trust,Priya Shah,31/3/2015
4,Train health visitors,Oxfordshire NHS Foundation Trust: Health Visiting Service,Sam Lee,31/3/2015
5,Audit records,Thames Valley Police (TVP),<@U0DEVSHARM>,31/3/2015
6,Amend the referral form,Oxford University Hospital NHS Trust,Dr Ali Khan,31/3/2015
"""
# The workspace's members as Slack lists them: Priya is in Slack but not yet in recs, and two
# members are called Sam Lee.
MEMBERS = [
    DirectoryEntry("U0PRIYASHA", "Priya Shah", "priya", "priya.shah@example.org"),
    DirectoryEntry("U0SAMLEE01", "Sam Lee", "sam.lee", None),
    DirectoryEntry("U0SAMLEE02", "Samuel Lee", "Sam Lee", None),
]


class Members:
    def __init__(self, entries: list[DirectoryEntry]) -> None:
        self.entries_given = entries
        self.asked = 0

    def entries(self) -> list[DirectoryEntry]:
        self.asked += 1
        return self.entries_given


def leads(db: Database, code: str = "Q") -> dict[str, tuple[str, str]]:
    with db.unit_of_work(write=False) as uow:
        rows = uow.session.exec(
            select(Recommendation.label, Person.id, Person.name)
            .join(Person, Person.id == Recommendation.lead_officer_id)  # type: ignore[arg-type]
            .where(Recommendation.ref.startswith(f"{code}-"))  # type: ignore[attr-defined]
        ).all()
    return {label: (person_id, name) for label, person_id, name in rows}


def import_plan(db: Database, members: list[DirectoryEntry] | None = None, plan: str = PLAN):  # type: ignore[no-untyped-def]
    services = Services(db)
    services.imports.directory = Members(members) if members is not None else None
    return services, services.imports.import_file(
        "plan.csv", plan.encode(), review_code="Q", title="Child Q"
    )


def test_names_are_matched_to_people_and_slack_users_or_kept_as_placeholders(
    demo_db: Database,
) -> None:
    _, done = import_plan(demo_db, MEMBERS)
    assert done.problems == []
    found = leads(demo_db)
    assert found["1"] == ("U0JOTURNER", "Jo Turner")  # the console's people
    assert found["2"] == ("U0DEVSHARM", "Dev Sharma")  # a name before the role
    assert found["3"] == ("U0PRIYASHA", "Priya Shah")  # Slack's member list
    assert found["5"] == ("U0DEVSHARM", "Dev Sharma")  # a Slack mention
    assert found["6"] == ("U0ALIKHAN0", "Ali Khan")  # a title before the name
    board = demo_db_board(demo_db)
    assert found["4"] == (name_placeholder_id(board, "Sam Lee"), "Sam Lee")  # two Sam Lees
    assert any("'Sam Lee' is the name of 2 Slack users" in w for w in done.warnings)


def demo_db_board(db: Database) -> int:
    from storage import queries

    with db.unit_of_work(write=False) as uow:
        review = queries.review_by_code(uow.session, "H", queries.EVERY_BOARD)
        assert review is not None
        return review.board_id


def test_without_slack_an_unknown_name_is_a_placeholder_never_a_refusal(demo_db: Database) -> None:
    _, done = import_plan(demo_db, None)
    assert done.problems == [] and done.written
    assert leads(demo_db)["3"][0] == name_placeholder_id(demo_db_board(demo_db), "Priya Shah")
    assert any(
        w.startswith("row 4: the lead officer 'Priya Shah' is not a Slack user I can find")
        for w in done.warnings
    )


def test_the_workspace_is_asked_only_when_a_plan_names_lead_officers(demo_db: Database) -> None:
    services = Services(demo_db)
    members = Members(MEMBERS)
    services.imports.directory = members
    services.imports.import_file(
        "plan.csv", b"No,Recommendation\n1,Audit pre-birth assessments\n", review_code="Q",
        title=None,
    )  # fmt: skip
    assert members.asked == 0


def test_people_lists_placeholders_and_link_hands_them_to_the_slack_user(
    demo_db: Database,
) -> None:
    import_plan(demo_db, None)
    runner = CommandRunner(Services(demo_db))
    listed = runner.run(ADMIN, "people")
    assert "Priya Shah" in str(listed.blocks) and "Q-3" in str(listed.blocks)
    linked = runner.run(ADMIN, 'people link "Priya Shah" <@U0PRIYASHA|priya>')
    assert linked.ok, linked.text
    assert leads(demo_db)["3"][0] == "U0PRIYASHA"
    assert "Priya Shah" not in str(runner.run(ADMIN, "people").blocks)
    # A re-import that names her again finds her Slack user, and changes nothing.
    _, again = import_plan(demo_db, None)
    assert "Q-3" in again.result.unchanged
    assert leads(demo_db)["3"][0] == "U0PRIYASHA"


def test_a_placeholder_is_linked_when_slack_later_knows_the_name(demo_db: Database) -> None:
    import_plan(demo_db, None)
    _, again = import_plan(demo_db, MEMBERS)
    assert leads(demo_db)["3"][0] == "U0PRIYASHA"
    assert again.conflicts == []


def test_only_an_admin_sees_or_links_the_placeholders(demo_db: Database) -> None:
    import_plan(demo_db, None)
    runner = CommandRunner(Services(demo_db))
    assert not runner.run(MEMBER, "people").ok
    with pytest.raises(NotAllowed):
        Services(demo_db).people.link(MEMBER, "Priya Shah", _Mention("<@U0MOAHMED0>"))


def test_linking_a_name_no_import_kept_is_refused_with_an_example(demo_db: Database) -> None:
    reply = CommandRunner(Services(demo_db)).run(ADMIN, 'people link "Nobody Here" @jo')
    assert not reply.ok and "/recs people link" in reply.text


class _Mention:
    def __init__(self, raw: str) -> None:
        self.raw = raw

    @property
    def slack_id(self) -> str | None:
        return self.raw.strip("<@>").split("|")[0]

    @property
    def handle(self) -> str:
        return self.raw


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Jo Turner", "jo turner"),
        ("  DR.  Jo   Turner ", "jo turner"),
        ("Jo O’Brien", "jo o'brien"),
    ],
)
def test_a_name_is_compared_without_case_spacing_or_title(written: str, key: str) -> None:
    assert name_key(written) == key


def test_with_many_workspaces_names_are_matched_against_the_importers_workspace_alone(
    db: Database,
) -> None:
    """Issue 19: each workspace's members (its own bot's users.list); a workspace where recs
    is not installed has none, and the single-token directory is never read for it."""
    from bot.rules.permissions import SYSTEM, Actor

    imports = Services(db).imports
    alpha, single = Members(MEMBERS[:1]), Members(MEMBERS[1:])
    imports.directory = single
    imports.directories = lambda team: alpha if team == "T0ALPHA" else None
    recs = import_plan_rows()
    assert imports.members(recs, Actor("U0A", "A", workspace="T0ALPHA")) == MEMBERS[:1]
    assert imports.members(recs, Actor("U0B", "B", workspace="T0BRAVO")) == ()
    assert imports.members(recs, SYSTEM) == MEMBERS[1:]  # the command line: one workspace's
    assert single.asked == 1


def import_plan_rows() -> list:  # type: ignore[type-arg]
    from bot.imports import ParsedRecommendation

    return [ParsedRecommendation("1", "Audit the plan", lead_officer="Priya Shah")]
