"""Every user-visible string has a Chinese translation (the default language)."""

from __future__ import annotations

from desktop import i18n_tools
from desktop.core import i18n


def test_every_message_in_the_code_is_translated_to_chinese():
    missing = i18n_tools.untranslated("zh_CN")
    assert missing == [], f"untranslated in zh_CN: {missing}"


def test_extraction_finds_marked_strings():
    found = i18n_tools.extract_messages()
    assert "Sign closing" in found
    assert any("workflow.py" in place for place in found["Sign closing"])


def test_compiled_catalog_reads_back_the_same(tmp_path, monkeypatch):
    mo = i18n_tools.compile_mo("zh_CN")
    try:
        import gettext

        with mo.open("rb") as fh:
            translations = gettext.GNUTranslations(fh)
        assert translations.gettext("Sign closing") == "同意销号"
        assert translations.gettext("Closing requested") == "待销号"
    finally:
        mo.unlink()


def test_language_switch():
    assert i18n.translate("Overdue") == "已逾期"
    i18n.set_language("en")
    assert i18n.translate("Overdue") == "Overdue"
