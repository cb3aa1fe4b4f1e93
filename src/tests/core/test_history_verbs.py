"""Every action the code writes to the activity log has a verb in the History tab's words.

The action names are read from the source: every call of `log_action(actor, action, ...)` in
src/ocop, its action a string literal or an f-string whose placeholders index (or `.get` from) a
dict of verbs of the same module (`f"evaluation.round.{ROUND_VERBS[to]}"`), or `a if … else b`
of those. A call whose action
the test cannot read fails the test, so a new action cannot slip by without a verb.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from ocop.core.history import VERBS

SOURCE = Path(__file__).resolve().parents[2] / "ocop"


def _module_name(path: Path) -> str:
    relative = path.relative_to(SOURCE.parent).with_suffix("")
    return ".".join(relative.parts)


def _dict_values(path: Path, name: str) -> list[str]:
    module = importlib.import_module(_module_name(path))
    table = getattr(module, name)
    assert isinstance(table, dict), f"{path}: {name} is not a dict"
    return [str(value) for value in table.values()]


def _placeholder_values(path: Path, node: ast.expr) -> list[str]:
    """The values a placeholder of an action f-string can take."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        return _dict_values(path, node.value.id)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
    ):
        values = _dict_values(path, node.func.value.id)
        if len(node.args) == 2 and isinstance(node.args[1], ast.Constant):
            values.append(str(node.args[1].value))
        return values
    raise AssertionError(f"{path}:{node.lineno}: cannot read the action's placeholder")


def _actions_of_call(path: Path, call: ast.Call) -> list[str]:
    action: ast.expr | None = call.args[1] if len(call.args) > 1 else None
    for keyword in call.keywords:
        if keyword.arg == "action":
            action = keyword.value
    if action is None:
        raise AssertionError(f"{path}:{call.lineno}: log_action without an action")
    return _names(path, action)


def _names(path: Path, action: ast.expr) -> list[str]:
    """The action names an expression can give: a literal, an f-string, `a if … else b`."""
    if isinstance(action, ast.Constant) and isinstance(action.value, str):
        return [action.value]
    if isinstance(action, ast.IfExp):
        return _names(path, action.body) + _names(path, action.orelse)
    if isinstance(action, ast.JoinedStr):
        names = [""]
        for part in action.values:
            if isinstance(part, ast.Constant):
                names = [name + str(part.value) for name in names]
            else:
                assert isinstance(part, ast.FormattedValue)
                values = _placeholder_values(path, part.value)
                names = [name + value for name in names for value in values]
        return names
    raise AssertionError(f"{path}:{action.lineno}: the action of log_action is not readable")


def _is_log_action(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Name) and func.id == "log_action") or (
        isinstance(func, ast.Attribute) and func.attr == "log_action"
    )


def logged_actions() -> tuple[dict[str, list[str]], int, int]:
    """(action name → where it is written, calls found by parsing, calls found as text)."""
    actions: dict[str, list[str]] = {}
    parsed = textual = 0
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        textual += text.count("log_action(") - text.count("def log_action(")
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if isinstance(node, ast.Call) and _is_log_action(node):
                parsed += 1
                for name in _actions_of_call(path, node):
                    actions.setdefault(name, []).append(f"{path.name}:{node.lineno}")
    return actions, parsed, textual


def test_every_logged_action_has_a_verb():
    actions, parsed, textual = logged_actions()
    assert parsed == textual  # every call was read (none hidden behind an alias)
    assert parsed > 50
    missing = {
        name: where for name, where in actions.items() if name.rsplit(".", 1)[-1] not in VERBS
    }
    assert missing == {}


def test_the_reader_sees_the_evaluation_actions():
    actions, _parsed, _textual = logged_actions()
    for name in (
        "evaluation.round.start_scoring",
        "evaluation.dossier.submit",
        "evaluation.dossier.status",
        "evaluation.sheet.reopen",
        "evaluation.session.discussion_open",
        "evaluation.session.dossier_knockouts",
        "evaluation.decision.draft_from_central",
        "producers.producer.reinstate",
        "criteria.set.supersede",
    ):
        assert name in actions, name
