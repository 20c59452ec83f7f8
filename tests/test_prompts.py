"""Every message the code asks for exists in prompts/, with the placeholders it fills."""

from __future__ import annotations

import ast
from pathlib import Path
from string import Template

import pytest

import prompts

ROOT = Path(__file__).resolve().parent.parent


def _calls(function: str = "text") -> list[tuple[str, str, set[str], str]]:
    """(file, key, keyword names, where) for every literal ``prompts.<function>(...)`` call."""
    found = []
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr != function or getattr(node.func.value, "id", None) != "prompts":
                continue
            args = node.args
            if len(args) >= 2 and all(isinstance(a, ast.Constant) for a in args[:2]):
                names = {k.arg for k in node.keywords if k.arg}
                spread = any(k.arg is None for k in node.keywords)
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.append((args[0].value, args[1].value, names if not spread else {"*"}, where))
    return found


@pytest.mark.parametrize(("file", "key", "names", "where"), _calls())
def test_message_exists_and_its_placeholders_are_filled(
    file: str, key: str, names: set[str], where: str
) -> None:
    node = prompts.load(file)
    for part in key.split("."):
        assert part in node, f"{where}: prompts/{file}.toml has no {key}"
        node = node[part]
    assert isinstance(node, str), f"{where}: {key} is not a message"
    needed = set(Template(node).get_identifiers())
    if "*" not in names:
        assert needed <= names, f"{where}: {key} needs {sorted(needed - names)}"


@pytest.mark.parametrize(("file", "key", "names", "where"), _calls("plural"))
def test_counted_message_has_every_english_form_and_its_placeholders_are_filled(
    file: str, key: str, names: set[str], where: str
) -> None:
    node = prompts.load(file)
    for part in key.split("."):
        assert part in node, f"{where}: prompts/{file}.toml has no {key}"
        node = node[part]
    assert isinstance(node, dict), f"{where}: {key} is not a table of plural forms"
    assert {"one", "other"} <= set(node), f"{where}: {key} needs `one` and `other`"
    for form in node.values():
        needed = set(Template(form).get_identifiers())
        if "*" not in names:
            assert needed <= names | {"count"}, f"{where}: {key} needs {sorted(needed - names)}"


@pytest.mark.parametrize(
    ("count", "words"), [(0, "0 days"), (1, "1 day"), (2, "2 days"), (21, "21 days")]
)
def test_english_plurals_follow_the_cldr_rules(count: int, words: str) -> None:
    assert prompts.plural("team", "status.overdue", count) == f"overdue by {words}"


def test_a_language_with_more_forms_picks_them_from_babel() -> None:
    # Polish: 1 dzień, 2 dni (few), 5 dni (many): the categories come from CLDR, not code.
    assert [prompts.plural_form(n, "pl") for n in (1, 2, 5, 22)] == ["one", "few", "many", "few"]
