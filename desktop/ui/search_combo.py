"""A combo box one can type into to find an entry among hundreds (units, people, catalog
items): the completer matches anywhere in the text, and only an entry of the list counts as
a value, so a half-typed name never reaches a service as if it were chosen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget


class SearchCombo(QComboBox):
    def __init__(self, parent: QWidget | None = None, min_chars: int = 16) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # long catalog titles must not stretch the dialog beyond a small screen
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(min_chars)
        completer = QCompleter(self.model(), self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        self._empty_text: str | None = None

    def set_items(
        self, items: Iterable[tuple[str, Any]], empty: str | None = None, current: Any = None
    ) -> None:
        """(text, data) pairs, optionally led by an empty choice whose data is None."""
        self.blockSignals(True)
        self.clear()
        self._empty_text = empty
        if empty is not None:
            self.addItem(empty, None)
        for text, data in items:
            self.addItem(text, data)
            self.setItemData(self.count() - 1, text.strip(), Qt.ItemDataRole.ToolTipRole)
        self.blockSignals(False)
        self.set_value(current)

    def value(self) -> Any:
        """The data of the entry whose text is typed, else None."""
        text = self.currentText().strip()
        if not text:
            return None
        for index in range(self.count()):
            if self.itemText(index).strip() == text:
                return self.itemData(index)
        return None

    def set_value(self, data: Any) -> None:
        index = self.findData(data) if data is not None else -1
        if index < 0 and self._empty_text is not None:
            index = 0
        self.setCurrentIndex(index)
        if index < 0:
            self.setEditText("")

    def has_valid_text(self) -> bool:
        """Empty, or exactly an entry of the list."""
        text = self.currentText().strip()
        return not text or any(self.itemText(i).strip() == text for i in range(self.count()))
