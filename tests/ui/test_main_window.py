"""The first window shows each campaign with the same numbers the core reports."""

from __future__ import annotations

from desktop.app import prepare_database
from desktop.core.summary import database_info
from desktop.ui.main_window import MainWindow


def test_first_run_fills_an_empty_database_and_the_window_shows_it(qtbot, tmp_path):
    from desktop.core import db, paths

    paths.set_data_dir(tmp_path)
    try:
        prepare_database(tmp_path / "first.db")
        info = database_info()
        assert info["campaigns"] and info["campaigns"][0]["problems"] > 0
        window = MainWindow(str(tmp_path / "first.db"))
        qtbot.addWidget(window)
        table = window.campaign_table
        assert table.rowCount() == 1
        assert table.item(0, 0).text() == info["campaigns"][0]["name"]
        assert int(table.item(0, 1).text()) == info["campaigns"][0]["problems"]
        headers = [table.horizontalHeaderItem(i).text() for i in range(table.columnCount())]
        assert "待销号" in headers and "已逾期" in headers
        red_column = headers.index("已逾期")
        assert int(table.item(0, red_column).text()) == info["campaigns"][0]["lights"]["red"]
    finally:
        db.close()
        paths.set_data_dir(None)


def test_campaign_name_is_not_cut_off(qtbot, tmp_path):
    from desktop.core import db, paths

    paths.set_data_dir(tmp_path)
    try:
        prepare_database(tmp_path / "w.db")
        window = MainWindow(str(tmp_path / "w.db"))
        qtbot.addWidget(window)
        window.resize(1100, 640)
        window.show()
        qtbot.waitExposed(window)
        table = window.campaign_table
        name = table.item(0, 0).text()
        needed = table.fontMetrics().horizontalAdvance(name)
        assert table.columnWidth(0) > needed
    finally:
        db.close()
        paths.set_data_dir(None)
