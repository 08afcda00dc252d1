"""The problem form when another client (another process, as another office PC) saved the
same draft first: the save is refused with who and when, the typed text stays in the form to
be entered again after reloading, and the other client's change is what the database keeps."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from desktop.core.models import Problem
from desktop.core.problems import ProblemInput, create_problem
from tests.core.test_concurrent_clients import Client, target
from tests.ui.test_problem_form import open_form


def test_the_form_keeps_the_typed_text_and_says_to_reload(qtbot, clerk_ctx, office, tmp_path,
                                                          monkeypatch):
    problem = create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description="会议多"))
    form = open_form(qtbot, clerk_ctx, problem.id)
    form.description_edit.setPlainText("会议多，层层开会传达")
    other = Client(target(tmp_path), "solo", "10:15", "describe", str(problem.id), "别处改过")
    assert other.finish() == "ok"
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    assert not form.save()
    [message] = shown
    assert "solo-用户" in message and "2026-11-02 10:15:00" in message
    assert "重新" in message  # reload and make the change again
    assert form.description_edit.toPlainText() == "会议多，层层开会传达"
    assert form.has_unsaved_changes()
    assert Problem.get_by_id(problem.id).description == "别处改过"
