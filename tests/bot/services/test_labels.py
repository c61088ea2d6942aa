"""Labels are unique within a review: an import matches recommendations by label, so `add`
refuses one that is taken (it would be overwritten by the next import)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from bot.commands.dispatch import CommandRunner
from bot.errors import UserError
from bot.services import NewRecommendation
from bot.services.suite import Services
from storage.db import Database
from storage.models import Recommendation, UpdateSource
from tests.conftest import ADMIN


def count(db: Database) -> int:
    with db.unit_of_work(write=False) as uow:
        return uow.session.exec(select(func.count()).select_from(Recommendation)).one()


@pytest.mark.parametrize("label", ["27", "27.", " 27 "])
def test_add_refuses_a_label_the_review_already_has(demo_db: Database, label: str) -> None:
    before = count(demo_db)
    with pytest.raises(UserError, match=r"already has a recommendation labelled 27 \(H-27\)"):
        Services(demo_db).recommendations.add(
            ADMIN, NewRecommendation("H", "Audit pre-birth work", label=label), None,
            source=UpdateSource.command,
        )  # fmt: skip
    assert count(demo_db) == before


def test_the_add_command_says_so_with_an_example(demo_db: Database) -> None:
    reply = CommandRunner(Services(demo_db)).run(ADMIN, 'add H "Audit pre-birth work" label:27')
    assert not reply.ok and "label" in reply.text and "Example" in reply.text


def test_a_new_label_is_taken_and_a_missing_one_is_its_number(demo_db: Database) -> None:
    add = Services(demo_db).recommendations.add
    first = add(ADMIN, NewRecommendation("H", "Audit pre-birth work", label="27a"), None,
                source=UpdateSource.command)  # fmt: skip
    second = add(ADMIN, NewRecommendation("H", "Brief every GP practice"), None,
                 source=UpdateSource.command)  # fmt: skip
    assert (first.ref, first.label) == ("H-37", "27a")
    assert (second.ref, second.label) == ("H-38", "38")
