"""One translation mechanism: the window speaks Chinese by default, English when chosen, and
Qt's own dialog strings come from Qt's translator."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop import app as app_module
from desktop.core import i18n
from desktop.ui.settings_page import LanguagePage
from tests.ui.test_main_window import make_window


def test_window_in_english_when_english_is_chosen(qtbot, office, tmp_path):
    i18n.set_language("en")
    window = make_window(qtbot, office, tmp_path)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == ["Dashboard", "Problem list", "Rectification ledger", "Sign-off",
                      "Statistics", "Settings"]
    assert window.problem_list.new_action.text() == "New problem"


def test_language_choice_is_stored_for_the_next_start(qtbot, clerk_ctx):
    page = LanguagePage(clerk_ctx)
    qtbot.addWidget(page)
    page.combo.setCurrentIndex(page.combo.findData("en"))
    assert clerk_ctx.settings.get("language") == "en"
    assert "下次启动" in page.note.text()
    assert app_module._language(clerk_ctx.settings, None) == "en"
    assert i18n.language() == "en"


def test_qt_dialog_strings_come_from_qts_chinese_translator(qapp):
    app_module._application("zh_CN")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_kind_and_state_columns_fit_their_english_labels(qtbot, clerk_ctx):
    from desktop.ui.problem_list import ProblemListPage
    from desktop.ui.problem_model import COLUMN_KEYS

    i18n.set_language("en")
    page = ProblemListPage(clerk_ctx)
    qtbot.addWidget(page)
    metrics = page.table.fontMetrics()
    for key, longest in (("kind", "Fix by a date"), ("state", "Closing requested")):
        width = page.table.columnWidth(COLUMN_KEYS.index(key))
        assert width > metrics.horizontalAdvance(longest), key
