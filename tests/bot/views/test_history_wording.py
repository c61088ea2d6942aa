"""`/recs show`'s history heading counts its entries in words that agree: "(1 entry)"."""

from __future__ import annotations

from storage.db import Database
from tests.conftest import ADMIN, MEMBER


def test_one_entry_is_an_entry(demo_db: Database) -> None:
    # Imported here: bot.commands imported first, alone, meets the services ↔ views cycle.
    from bot import services
    from bot.commands.dispatch import CommandRunner
    from bot.views.blocks import as_dicts

    with demo_db.unit_of_work() as uow:
        services.record_update(uow, ADMIN, "H-36", note="Scoping meeting held.")
        uow.commit()
    text = str(as_dicts(CommandRunner(demo_db).run(MEMBER, "show H-36").blocks))
    assert "*History* (1 entry)" in text
    empty = str(as_dicts(CommandRunner(demo_db).run(MEMBER, "show H-7").blocks))
    assert "*History* (0 entries)" in empty
