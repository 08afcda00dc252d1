"""The sign-off page: queues per role, approving, returning with an opinion, signing with the
password typed again, batches that apply to all or none, the 已销号 mark, and signature and
seal images."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QPushButton

from desktop.core import images, workflow
from desktop.core.errors import DomainError, PermissionDenied, ValidationError
from desktop.core.i18n import translate
from desktop.core.models import Problem, State, Transition
from desktop.ui.image_dialog import ImageDialog
from desktop.ui.problem_form import ProblemForm
from desktop.ui.review_dialogs import OpinionDialog, SignDialog
from desktop.ui.review_page import ReviewPage
from desktop.ui.settings_org import UnitsPage, UsersPage
from tests.conftest import PASSWORD
from tests.core.test_images import png_bytes
from tests.core.test_review import APPROVE, REQUEST, SUBMIT, VERIFY, make, walk
from tests.ui.conftest import make_context


class Answers:
    """Stands in for the page's dialogs: records what was asked, answers as told."""

    def __init__(self, page: ReviewPage, opinion: str | None = "同意", password: str = PASSWORD):
        self.opinion, self.password = opinion, password
        self.asked: list[tuple] = []
        self.errors: list[DomainError] = []
        page.ask_opinion = self._opinion
        page.ask_signature = self._signature
        page.report_error = self.errors.append

    def _opinion(self, action: str, count: int, required: bool) -> str | None:
        self.asked.append((action, count, required))
        return self.opinion

    def _signature(self, count: int) -> tuple[str, str]:
        self.asked.append(("sign_close", count))
        return "同意销号", self.password


def open_page(qtbot, office, who: str, tmp_path) -> tuple[ReviewPage, Answers]:
    page = ReviewPage(make_context(office, who, tmp_path, f"{who}.ini"))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    return page, Answers(page)


def state(problem_id: int) -> str:
    return Problem.get_by_id(problem_id).state


def transitions(problem_id: int) -> list[str]:
    return [t.action for t in Transition.select().where(Transition.problem == problem_id)
            .order_by(Transition.id)]


def tab_names(page: ReviewPage) -> list[str]:
    return [page.tabs.tabData(i) for i in range(page.tabs.count())]


def test_approving_from_the_page_moves_the_problem_to_rectification(qtbot, office, tmp_path):
    first = make(office, "A1", dt.date(2026, 11, 20))
    second = make(office, "A2", dt.date(2026, 11, 10))
    walk(office, first, SUBMIT)
    walk(office, second, SUBMIT)
    page, answers = open_page(qtbot, office, "reviewer", tmp_path)
    assert tab_names(page) == ["review", "verify"]
    assert "2" in page.tabs.tabText(0) and "0" in page.tabs.tabText(1)
    assert page.model.ids() == [second, first]  # nearest deadline first
    assert page.selected_ids() == [second]  # the first one is ready to decide
    assert page.buttons["approve"].isEnabled() and page.buttons["return"].isEnabled()
    assert not page.buttons["sign_close"].isVisibleTo(page)
    assert "问题A2" in page.detail.toPlainText() and "整改措施" in page.detail.toPlainText()

    assert page.run_action("approve")
    assert answers.asked == [("approve", 1, False)]
    assert state(second) == State.RECTIFYING.value
    assert Transition.select().where(Transition.problem == second).order_by(
        Transition.id.desc()).first().opinion == "同意"
    # it left the queue, the count says so, and the next one is selected
    assert page.model.ids() == [first] and "1" in page.tabs.tabText(0)
    assert page.selected_ids() == [first]


def test_a_return_needs_an_opinion_and_records_it(qtbot, office, tmp_path):
    dialog = OpinionDialog(None, "退回", "写明退回理由", required=True)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.opinion_edit.setPlainText("   ")
    assert not dialog.ok_button.isEnabled()
    dialog.opinion_edit.setPlainText("措施不具体")
    assert dialog.ok_button.isEnabled() and dialog.opinion() == "措施不具体"
    optional = OpinionDialog(None, "审核通过", "意见", required=False, text="同意。")
    qtbot.addWidget(optional)
    assert optional.ok_button.isEnabled()

    problem = make(office, "R", dt.date(2026, 11, 20))
    walk(office, problem, SUBMIT)
    page, answers = open_page(qtbot, office, "reviewer", tmp_path)
    answers.opinion = ""  # even past the dialog, an empty reason is refused
    assert not page.run_action("return")
    assert answers.asked == [("return", 1, True)]
    assert isinstance(answers.errors[0], ValidationError)
    assert state(problem) == State.SUBMITTED.value and transitions(problem) == ["submit"]

    answers.opinion = "措施不具体，请细化"
    assert page.run_action("return")
    assert state(problem) == State.DRAFT.value
    assert Transition.select().order_by(Transition.id.desc()).first().opinion == "措施不具体，请细化"

    # the clerk finds it returned, with the opinion beside it
    clerk_page, _answers = open_page(qtbot, office, "clerk", tmp_path)
    assert tab_names(clerk_page) == ["mine_returned"]
    assert clerk_page.role_note.isVisibleTo(clerk_page)
    assert clerk_page.model.ids() == [problem]
    assert "措施不具体，请细化" in clerk_page.detail.toPlainText()
    assert clerk_page.buttons["submit"].isEnabled()
    assert not clerk_page.buttons["request_close"].isEnabled()


def test_signing_with_a_wrong_password_records_nothing_and_the_right_one_closes(
    qtbot, office, tmp_path
):
    problem = make(office, "S", dt.date(2026, 11, 20))
    walk(office, problem, SUBMIT, APPROVE, REQUEST, VERIFY)
    dialog = SignDialog(None, "leader-用户", 1)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.password_edit.setText("x")
    assert dialog.ok_button.isEnabled() and dialog.values()[1] == "x"

    page, answers = open_page(qtbot, office, "leader", tmp_path)
    assert tab_names(page) == ["sign"] and page.model.ids() == [problem]
    before = Transition.select().count()
    answers.password = "wrong-password"
    assert not page.run_action("sign_close")
    assert isinstance(answers.errors[0], PermissionDenied)
    assert "密码" in answers.errors[0].message() or "password" in answers.errors[0].message()
    assert Transition.select().count() == before
    assert state(problem) == State.CLOSING.value

    answers.password = PASSWORD
    assert page.run_action("sign_close")
    closed = Problem.get_by_id(problem)
    assert closed.state == State.CLOSED.value
    step = Transition.select().order_by(Transition.id.desc()).first()
    assert step.action == "sign_close" and step.opinion == "同意销号"
    leader = office.users["leader"]
    assert step.signature == workflow.signed_content_hash(
        closed, leader.uuid, step.at.isoformat(), "同意销号")
    assert page.model.ids() == [] and page.empty_label.isVisibleTo(page)


def test_a_clerk_cannot_sign(qtbot, office, tmp_path):
    problem = make(office, "K", dt.date(2026, 11, 20))
    walk(office, problem, SUBMIT, APPROVE, REQUEST, VERIFY)
    page, answers = open_page(qtbot, office, "clerk", tmp_path)
    assert "sign" not in page.queues
    assert not page.buttons["sign_close"].isVisibleTo(page)
    # even asked directly, the workflow refuses and nothing is recorded
    assert not page.run_action("sign_close", ids=[problem])
    assert isinstance(answers.errors[0], PermissionDenied)
    assert state(problem) == State.CLOSING.value
    assert transitions(problem)[-1] == "verify"


def test_batch_approval_of_three_asks_once_and_is_all_or_nothing(qtbot, office, tmp_path):
    ids = [make(office, f"B{i}", dt.date(2026, 11, 10 + i)) for i in range(4)]
    for pid in ids:
        walk(office, pid, SUBMIT)
    page, answers = open_page(qtbot, office, "reviewer", tmp_path)
    page.select_ids(ids[:3])
    assert page.selected_ids() == ids[:3]
    assert "3" in page.detail.toPlainText()  # "3 problems selected"
    assert page.run_action("approve")
    assert answers.asked == [("approve", 3, False)]
    assert [state(pid) for pid in ids] == ["rectifying"] * 3 + ["submitted"]

    # a batch where one problem was decided elsewhere meanwhile: none of it is recorded
    more = [make(office, f"C{i}", dt.date(2026, 12, 1 + i)) for i in range(3)]
    for pid in more:
        walk(office, pid, SUBMIT)
    page.reload()
    page.select_ids(more)
    walk(office, more[1], ("reviewer", "return"))  # behind the page's back
    assert not page.run_action("approve")
    assert answers.errors
    assert [state(pid) for pid in more] == ["submitted", "draft", "submitted"]


def test_double_click_opens_the_problem(qtbot, office, tmp_path):
    problem = make(office, "O", dt.date(2026, 11, 20))
    walk(office, problem, SUBMIT)
    page, _answers = open_page(qtbot, office, "reviewer", tmp_path)
    with qtbot.waitSignal(page.open_problem) as signal:
        page.table.doubleClicked.emit(page.model.index(0, 1))
    assert signal.args == [problem]


def test_verifying_moves_the_problem_to_the_leaders_queue(qtbot, office, tmp_path):
    problem = make(office, "V", dt.date(2026, 11, 20))
    walk(office, problem, SUBMIT, APPROVE, REQUEST)
    page, answers = open_page(qtbot, office, "reviewer", tmp_path)
    assert page.current_queue() == "verify"  # opens on the queue that has work
    assert page.buttons["verify"].isEnabled()
    assert page.run_action("verify")
    assert transitions(problem)[-1] == "verify"
    assert page.queues["verify"] == []
    leader_page, _answers = open_page(qtbot, office, "leader", tmp_path)
    assert leader_page.model.ids() == [problem]


def test_an_account_without_workflow_roles_gets_an_explanation(qtbot, office, tmp_path):
    page, _answers = open_page(qtbot, office, "admin", tmp_path)
    assert page.tabs.count() == 0
    assert page.role_note.isVisibleTo(page) and page.role_note.text()
    assert not any(b.isVisibleTo(page) for b in page.buttons.values())


def test_a_closed_problem_shows_the_closed_stamp(qtbot, office, tmp_path):
    closed = make(office, "Z", dt.date(2026, 11, 20))
    walk(office, closed, SUBMIT, APPROVE, REQUEST, VERIFY, ("leader", "sign_close"))
    open_one = make(office, "Y", dt.date(2026, 11, 20))
    walk(office, open_one, SUBMIT, APPROVE)
    ctx = make_context(office, "clerk", tmp_path)
    form = ProblemForm(ctx, closed)
    qtbot.addWidget(form)
    stamp = form.closed_stamp
    assert stamp.isVisibleTo(form)
    assert stamp.title == translate("Closed") == "已销号"
    assert (stamp.date_text, stamp.signer) == ("2026-11-02", "leader-用户")
    image = stamp.grab().toImage()
    reds = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if image.pixelColor(x, y).red() > 150 and image.pixelColor(x, y).green() < 90)
    assert reds > 50  # it is drawn, in red
    other = ProblemForm(ctx, open_one)
    qtbot.addWidget(other)
    assert not other.closed_stamp.isVisibleTo(other)


@pytest.fixture
def png_file(tmp_path):
    path = tmp_path / "签名.png"
    path.write_bytes(png_bytes(width=30, height=12))
    return path


def test_a_user_uploads_and_removes_their_signature(qtbot, office, tmp_path, png_file):
    page, _answers = open_page(qtbot, office, "leader", tmp_path)
    dialog = page.edit_signature()
    qtbot.addWidget(dialog)
    assert dialog.preview.pixmap.isNull() and not dialog.remove_button.isEnabled()
    assert dialog.use_file(png_file)
    leader = office.users["leader"]
    assert images.signature_path(leader.uuid).read_bytes() == png_file.read_bytes()
    assert dialog.preview.pixmap.hasAlphaChannel() and dialog.preview.pixmap.width() == 30
    assert "签名.png" in dialog.info_label.text() and dialog.warning_label.text() == ""
    dialog.confirm = lambda _text: True
    assert dialog.remove()
    assert images.signature_path(leader.uuid) is None
    assert dialog.preview.pixmap.isNull()


def test_signature_and_seal_buttons_follow_the_rules(qtbot, office, tmp_path, png_file):
    clerk_ctx = make_context(office, "clerk", tmp_path, "c.ini")
    users = UsersPage(clerk_ctx)
    qtbot.addWidget(users)
    ids = {users.table.item(r, 0).text(): r for r in range(users.table.rowCount())}
    users.table.selectRow(ids["leader"])
    assert not users.signature_button.isEnabled()
    assert users.edit_signature() is None
    users.table.selectRow(ids["clerk"])
    assert users.signature_button.isEnabled()
    dialog = users.edit_signature()
    qtbot.addWidget(dialog)
    assert dialog.use_file(png_file)
    # a dialog for someone else's signature is refused by the service
    foreign = ImageDialog(clerk_ctx, ImageDialog.SIGNATURE, office.users["leader"].id)
    qtbot.addWidget(foreign)
    errors = []
    foreign.report_error = errors.append
    assert not foreign.use_file(png_file) and isinstance(errors[0], PermissionDenied)

    units = UnitsPage(clerk_ctx)
    qtbot.addWidget(units)
    assert not units.seal_button.isVisibleTo(units) and units.edit_seal() is None
    admin_units = UnitsPage(make_context(office, "admin", tmp_path, "a.ini"))
    qtbot.addWidget(admin_units)
    assert admin_units.seal_button.isVisibleTo(admin_units)
    seal_dialog = admin_units.edit_seal()
    qtbot.addWidget(seal_dialog)
    assert seal_dialog.use_file(png_file)
    assert images.seal_path(office.unit.uuid) is not None


def test_the_page_fits_a_small_screen(qtbot, office, tmp_path):
    problem = make(office, "F", dt.date(2026, 11, 20))
    walk(office, problem, SUBMIT)
    page, _answers = open_page(qtbot, office, "solo", tmp_path)
    page.resize(1366 - 140, 680)
    page.show()
    qtbot.waitExposed(page)
    for button in page.findChildren(QPushButton):
        if button.isVisible():
            hint = button.fontMetrics().horizontalAdvance(button.text())
            assert button.width() >= hint, button.text()
