"""What is wrong with a playbook file, as one line an admin can act on."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

TAB_HINT = " (indent with spaces, not tabs)"


def yaml_problem(error: yaml.YAMLError) -> str:
    """PyYAML's multi-line report, reduced to where and what: "line 3, column 9: …"."""
    if not isinstance(error, yaml.MarkedYAMLError) or error.problem_mark is None:
        return f"not valid YAML ({str(error).splitlines()[0]})"
    mark = error.problem_mark
    problem = (error.problem or error.context or "cannot be read").rstrip(".")
    hint = TAB_HINT if "'\\t'" in problem else ""
    return f"not valid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}{hint}"


def validation_problems(error: ValidationError, data: object) -> str:
    """Every problem, located by key: ``fields[primary_use_case].type``, not ``fields[0]``."""
    return "; ".join(
        f"{locate(issue['loc'], data) or '(top level)'}: {_plain(issue)}"
        for issue in error.errors()
    )


def locate(location: tuple[int | str, ...], data: object) -> str:
    """A dotted path; an item of a list of mappings is named by its ``key`` when it has one."""
    parts: list[str] = []
    node: Any = data
    for part in location:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            key = item.get("key") if isinstance(item, dict) else None
            parts.append(f"[{key}]" if isinstance(key, str) and key else f"[{part}]")
            node = item
        elif part == "[key]":
            continue  # a mapping's key was refused; the path already names it
        else:
            parts.append(("." if parts else "") + part)
            node = node.get(part) if isinstance(node, dict) else None
    return "".join(parts)


def _plain(issue: Any) -> str:
    if issue["type"] == "extra_forbidden":
        return "unknown key (check its spelling against the default playbook)"
    if issue["type"] == "missing":
        return "is required"
    if issue["type"] in ("enum", "literal_error"):
        expected = (issue.get("ctx") or {}).get("expected", "")
        return f"{issue.get('input')!r} is not allowed here; write {expected}"
    return str(issue["msg"]).removeprefix("Value error, ")
