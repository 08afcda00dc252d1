"""The campaign's catalog (问题类别 / 整治重点): edited by hand, or imported by pasting the plan.

Typing forty items from a plan is exactly the retyping the app exists to end, so the import
dialog parses the pasted text as the user types, offers the outline's likely catalog sections
and lets them untick or reword items before anything is stored.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from desktop.core import catalog
from desktop.core.i18n import _
from desktop.core.models import Role
from desktop.core.org import catalog_tree
from desktop.core.outline import (
    OutlineNode,
    catalog_candidates,
    catalog_counts,
    find_catalog,
    parse_outline,
)
from desktop.ui.common import ReloadsWhenShown, run_service
from desktop.ui.context import AppContext
from desktop.ui.pasted_text import PastedTextDialog

ID_ROLE = Qt.ItemDataRole.UserRole


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class NodeDialog(QDialog):
    """Number and title of one catalog entry."""

    def __init__(self, parent: QWidget | None, heading: str, label: str = "", title: str = ""):
        super().__init__(parent)
        self.setWindowTitle(heading)
        self.label_edit = QLineEdit(label, self)
        self.label_edit.setMaxLength(catalog.LABEL_MAX)
        self.title_edit = QPlainTextEdit(title, self)
        self.title_edit.setTabChangesFocus(True)
        form = QFormLayout(self)
        form.addRow(_("Number"), self.label_edit)
        form.addRow(_("Title"), self.title_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(480, 220)

    def values(self) -> tuple[str, str]:
        return self.label_edit.text().strip(), self.title_edit.toPlainText().strip()


class CatalogPage(ReloadsWhenShown, QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([_("Number"), _("Title"), _("Problems")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda *_args: self.edit_selected())

        self.add_child_button = QPushButton(_("Add child"), self)
        self.add_sibling_button = QPushButton(_("Add sibling"), self)
        self.edit_button = QPushButton(_("Edit…"), self)
        self.delete_button = QPushButton(_("Delete"), self)
        self.up_button = QPushButton(_("Move up"), self)
        self.down_button = QPushButton(_("Move down"), self)
        self.import_button = QPushButton(_("Import from the plan's text…"), self)
        self.add_child_button.clicked.connect(self.add_child)
        self.add_sibling_button.clicked.connect(self.add_sibling)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.import_button.clicked.connect(self.open_import)

        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        self.readonly_label = QLabel(_("Only an administrator can change the catalog."), self)

        buttons = QHBoxLayout()
        for button in (self.add_child_button, self.add_sibling_button, self.edit_button,
                       self.delete_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.readonly_label)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.tree, 1)

        self.is_admin = ctx.session.has_role(Role.ADMIN)
        self.readonly_label.setVisible(not self.is_admin)
        ctx.campaign_changed.connect(lambda _id: self.reload_or_defer())
        ctx.data_changed.connect(self._on_data_changed)
        self.reload()

    # -- showing -----------------------------------------------------------------------------
    def _on_data_changed(self, what: str) -> None:
        if what in ("catalog", "problem", "campaign"):
            self.reload_or_defer()

    def reload(self) -> None:
        keep = self.selected_id()
        self.tree.clear()
        campaign_id = self.ctx.campaign_id
        rows = catalog_tree(campaign_id) if campaign_id is not None else []
        counts = catalog.problem_counts(campaign_id) if campaign_id is not None else {}
        items: dict[int, QTreeWidgetItem] = {}
        for node, _depth in rows:
            parent = items.get(node.parent_id)
            values = [node.label, node.title, str(counts.get(node.id, 0))]
            item = QTreeWidgetItem(parent, values) if parent else QTreeWidgetItem(values)
            if parent is None:
                self.tree.addTopLevelItem(item)
            item.setData(0, ID_ROLE, node.id)
            item.setData(0, Qt.ItemDataRole.UserRole + 1, node.version)
            item.setToolTip(1, node.title)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            items[node.id] = item
        self.tree.expandAll()
        if keep in items:
            self.tree.setCurrentItem(items[keep])
        if campaign_id is None:
            self.empty_label.setText(_("Choose a campaign first."))
        else:
            self.empty_label.setText(_(
                "The catalog is empty. Import it from the plan's text, or add the areas by hand."
            ))
        self.empty_label.setVisible(not rows)
        self._update_buttons()

    def selected_item(self) -> QTreeWidgetItem | None:
        items = self.tree.selectedItems()
        return items[0] if items else None

    def selected_id(self) -> int | None:
        item = self.selected_item()
        return item.data(0, ID_ROLE) if item else None

    def select_node(self, node_id: int) -> None:
        iterator = QTreeWidgetItemIterator(self.tree)
        while iterator.value():
            if iterator.value().data(0, ID_ROLE) == node_id:
                self.tree.setCurrentItem(iterator.value())
                return
            iterator += 1

    def _update_buttons(self) -> None:
        has_campaign = self.ctx.campaign_id is not None
        item = self.selected_item()
        editing = self.is_admin and has_campaign
        self.add_sibling_button.setEnabled(editing)
        self.import_button.setEnabled(editing)
        for button in (self.add_child_button, self.edit_button, self.delete_button):
            button.setEnabled(editing and item is not None)
        index, count = self._position(item)
        self.up_button.setEnabled(editing and item is not None and index > 0)
        self.down_button.setEnabled(editing and item is not None and index < count - 1)
        for button in (self.add_child_button, self.add_sibling_button, self.edit_button,
                       self.delete_button, self.up_button, self.down_button, self.import_button):
            button.setVisible(self.is_admin)

    def _position(self, item: QTreeWidgetItem | None) -> tuple[int, int]:
        if item is None:
            return -1, 0
        parent = item.parent()
        if parent is None:
            return self.tree.indexOfTopLevelItem(item), self.tree.topLevelItemCount()
        return parent.indexOfChild(item), parent.childCount()

    # -- asking (tests replace these) --------------------------------------------------------
    def _ask_node(self, heading: str, label: str = "", title: str = "") -> tuple[str, str] | None:
        dialog = NodeDialog(self, heading, label, title)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Catalog"), text)
        return answer == QMessageBox.StandardButton.Yes

    # -- editing -----------------------------------------------------------------------------
    def _depth(self, item: QTreeWidgetItem | None) -> int:
        depth = 0
        while item is not None and item.parent() is not None:
            item = item.parent()
            depth += 1
        return depth

    def _add(self, parent: QTreeWidgetItem | None, depth: int, index: int, previous: str):
        """Ask for a new entry at ``index`` under ``parent``, numbered after ``previous``."""
        label = catalog.suggest_label(depth, index + 1, previous)
        answer = self._ask_node(_("New catalog entry"), label)
        if answer is None:
            return None
        parent_id = parent.data(0, ID_ROLE) if parent else None
        node = run_service(self, catalog.add_node, self.ctx.session, self.ctx.campaign_id,
                           parent_id, *answer, index=index)
        if node is not None:
            self.ctx.changed("catalog")
            self.select_node(node.id)
        return node

    def add_child(self):
        item = self.selected_item()
        if item is None:
            return None
        count = item.childCount()
        previous = item.child(count - 1).text(0) if count else ""
        return self._add(item, self._depth(item) + 1, count, previous)

    def add_sibling(self):
        """A new entry right after the selected one (or a new last area when none is)."""
        item = self.selected_item()
        if item is None:
            count = self.tree.topLevelItemCount()
            previous = self.tree.topLevelItem(count - 1).text(0) if count else ""
            return self._add(None, 0, count, previous)
        index, _count = self._position(item)
        return self._add(item.parent(), self._depth(item), index + 1, item.text(0))

    def edit_selected(self) -> bool:
        item = self.selected_item()
        if item is None or not self.is_admin:
            return False
        answer = self._ask_node(_("Edit catalog entry"), item.text(0), item.text(1))
        if answer is None:
            return False
        version = item.data(0, Qt.ItemDataRole.UserRole + 1)
        done = run_service(self, catalog.update_node, self.ctx.session, item.data(0, ID_ROLE),
                           *answer, expected_version=version)
        if done is not None:
            self.ctx.changed("catalog")
        return done is not None

    def delete_selected(self) -> bool:
        item = self.selected_item()
        if item is None:
            return False
        below = self._descendants(item)
        title = _short(item.text(1))
        if below:
            text = _("Delete “{title}” and the {count} entries under it?").format(
                title=title, count=below)
        else:
            text = _("Delete “{title}”?").format(title=title)
        if not self._confirm(text):
            return False
        done = run_service(self, catalog.delete_node, self.ctx.session, item.data(0, ID_ROLE))
        if done is not None:
            self.ctx.changed("catalog")
        return done is not None

    @classmethod
    def _descendants(cls, item: QTreeWidgetItem) -> int:
        return sum(1 + cls._descendants(item.child(i)) for i in range(item.childCount()))

    def move_selected(self, step: int) -> bool:
        item = self.selected_item()
        if item is None:
            return False
        index, count = self._position(item)
        target = index + step
        if not 0 <= target < count:
            return False
        parent = item.parent()
        parent_id = parent.data(0, ID_ROLE) if parent else None
        node_id = item.data(0, ID_ROLE)
        done = run_service(self, catalog.move_node, self.ctx.session, node_id, parent_id, target)
        if done is not None:
            self.ctx.changed("catalog")
            self.select_node(node_id)
        return done is not None

    def open_import(self) -> None:
        dialog = OutlineImportDialog(self.ctx, self)
        dialog.exec()


class OutlineImportDialog(PastedTextDialog):
    """Paste the plan, pick the catalog among the outline's candidates, trim it, import it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, _("Import the catalog from the plan's text"),
            _("Paste the text of the campaign plan here (实施方案, with its attachments). "
              "Its numbered headings (一、（一）1.（1）) are read as you type."),
            parent,
        )
        self.candidates: list[OutlineNode] = []
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.text_edit, 1)
        left_layout.addWidget(self.load_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.candidate_combo = QComboBox(self)
        self.candidate_combo.currentIndexChanged.connect(self._show_candidate)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.heading_label = QLabel(self)
        self.heading_label.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([_("Number"), _("Title")])
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemChanged.connect(self._update_summary)
        self.summary_label = QLabel(self)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.candidate_combo)
        right_layout.addWidget(self.status_label)
        right_layout.addWidget(self.heading_label)
        right_layout.addWidget(self.tree, 1)
        right_layout.addWidget(QLabel(
            _("Untick what is not part of the catalog; double-click a title to correct it."), self
        ))
        right_layout.addWidget(self.summary_label)

        self.resize(1100, 680)
        self.arrange(left, right, _("Import"), (450, 550))

    # -- parsing -----------------------------------------------------------------------------
    def parse(self) -> None:
        text = self.text_edit.toPlainText()
        roots = parse_outline(text) if text.strip() else []
        candidates = catalog_candidates(roots)
        best = find_catalog(roots)
        guessed = bool(candidates)
        if not candidates and roots:
            # nothing looks like a catalog: offer the whole outline to trim by hand
            candidates = [OutlineNode("", "", "", list(roots), style="section")]
        self.candidates = candidates
        self.candidate_combo.blockSignals(True)
        self.candidate_combo.clear()
        for number, node in enumerate(candidates, 1):
            areas, items = catalog_counts(node)
            text_ = _("Candidate {n}: {areas} areas, {items} items").format(
                n=number, areas=areas, items=items)
            heading = f"{node.label} {node.title}".strip()
            if heading:
                text_ += f" — {_short(heading, 30)}"
            self.candidate_combo.addItem(text_)
        index = next((i for i, c in enumerate(candidates) if c is best), 0)
        self.candidate_combo.setCurrentIndex(index if candidates else -1)
        self.candidate_combo.blockSignals(False)
        self.candidate_combo.setEnabled(bool(candidates))
        if not text.strip():
            self.status_label.setText(_("Paste the plan's text on the left."))
        elif not roots:
            self.status_label.setText(_(
                "No numbered headings were found. The catalog is read from numbered lines such "
                "as “一、…”, “（一）…”, “1.…”; check that the numbering was pasted with the text."
            ))
        elif not guessed:
            self.status_label.setText(_(
                "No part of the outline looks like a catalog of areas and items; the whole "
                "outline is shown. Untick what does not belong to the catalog."
            ))
        else:
            self.status_label.setText("")
        self.status_label.setVisible(bool(self.status_label.text()))
        self._show_candidate(self.candidate_combo.currentIndex())

    def current_candidate(self) -> OutlineNode | None:
        index = self.candidate_combo.currentIndex()
        return self.candidates[index] if 0 <= index < len(self.candidates) else None

    def _show_candidate(self, index: int) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        node = self.candidates[index] if 0 <= index < len(self.candidates) else None
        if node is not None:
            for child in node.children:
                self.tree.addTopLevelItem(self._item(child))
            self.tree.expandAll()
            heading = f"{node.label} {node.title}".strip()
            self.heading_label.setText(
                _("Heading: {heading}").format(heading=heading) if heading else "")
        else:
            self.heading_label.setText("")
        self.heading_label.setVisible(bool(self.heading_label.text()))
        self.tree.blockSignals(False)
        self._update_summary()

    def _item(self, node: OutlineNode) -> QTreeWidgetItem:
        item = QTreeWidgetItem([node.label, node.title])
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable)
        item.setCheckState(0, Qt.CheckState.Checked)
        item.setToolTip(1, node.text)
        for child in node.children:
            item.addChild(self._item(child))
        return item

    # -- result ------------------------------------------------------------------------------
    def drafts(self) -> list[catalog.NodeDraft]:
        """The ticked entries as edited, the candidate's children being the areas."""

        def walk(item: QTreeWidgetItem) -> catalog.NodeDraft:
            kids = [item.child(i) for i in range(item.childCount())]
            return catalog.NodeDraft(
                item.text(0).strip(), item.text(1).strip(),
                [walk(k) for k in kids if k.checkState(0) == Qt.CheckState.Checked],
            )

        tops = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        return [walk(t) for t in tops if t.checkState(0) == Qt.CheckState.Checked]

    def _update_summary(self, *_args) -> None:
        roots = self.drafts()
        items = sum(len(r.children) for r in roots)
        self.summary_label.setText(
            _("To import: {areas} areas, {items} items.").format(areas=len(roots), items=items))
        self.import_button.setEnabled(bool(roots) and self.ctx.campaign_id is not None)

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Import the catalog"), text)
        return answer == QMessageBox.StandardButton.Yes

    def do_import(self) -> bool:
        roots = self.drafts()
        campaign_id = self.ctx.campaign_id
        if not roots or campaign_id is None:
            return False
        existing = len(catalog_tree(campaign_id))
        if existing and not self._confirm(_(
            "The campaign already has a catalog of {count} entries. Replace it with the "
            "imported one?").format(count=existing)):
            return False
        created = run_service(self, catalog.replace_catalog, self.ctx.session, campaign_id, roots)
        if created is None:
            return False
        self.ctx.changed("catalog")
        self.accept()
        return True
