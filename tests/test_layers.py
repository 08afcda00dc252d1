"""The layer rule of CONVENTIONS.md, read from the imports of every module:
core imports neither Qt nor file-format libraries nor the other layers; exchange imports core
but no Qt at all (the printed report's charts are painted by ui and handed in); ui may import
both."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "desktop"
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6")
FORBIDDEN = {
    "core": QT + ("openpyxl", "reportlab", "desktop.exchange", "desktop.ui", "desktop.app"),
    "exchange": QT + ("desktop.ui", "desktop.app"),
}


def imported_modules(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violations(layer: str, root: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted((root / layer).rglob("*.py")):
        for name in imported_modules(path.read_text(encoding="utf-8")):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                found.append(f"{path.relative_to(root).as_posix()} imports {name}")
    return found


def test_core_imports_no_qt_and_no_outer_layer():
    assert violations("core") == []


def test_exchange_imports_no_qt():
    assert violations("exchange") == []


def test_the_rule_catches_a_qt_import_in_core(tmp_path):
    core = tmp_path / "core"
    core.mkdir()
    (core / "sneaky.py").write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    (core / "fine.py").write_text("import json\n", encoding="utf-8")
    assert sorted(violations("core", tmp_path)) == [
        "core/sneaky.py imports PySide6.QtCore",
        "core/sneaky.py imports PySide6.QtCore.QObject",
    ]


def test_ui_code_does_not_run_raw_sql():
    for path in (PACKAGE / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "execute_sql" not in text, f"{path.name} runs raw SQL; call a core service"
