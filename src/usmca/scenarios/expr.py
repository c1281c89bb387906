"""A tiny, safe arithmetic language for scenario shocks.

A shock's rate is an expression such as ``ieepa_mx * (1 - claim_mx)``: numbers, names (law
parameters, cited assumptions, built-ins such as ``mfn``), ``+ - * /``, unary minus,
parentheses and ``min(a, b)`` / ``max(a, b)``. Names evaluate to floats or numpy arrays
(sector vectors broadcast over the last axis), so one expression fills a whole block of the
tariff tensor. Nothing else is allowed: the expression is parsed with :mod:`ast` and walked,
never passed to ``eval``.
"""

from __future__ import annotations

import ast
import operator
from typing import Any, Mapping

import numpy as np

from usmca.errors import UserInputError

__all__ = ["evaluate", "names_in"]

_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_FUN = {"min": np.minimum, "max": np.maximum}


def names_in(expr: str | float | int, source: str = "<scenario>", field: str = "") -> set[str]:
    """The names an expression uses (raises on syntax the language does not allow)."""
    if isinstance(expr, (int, float)):
        return set()
    tree = _parse(expr, source, field)
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in _FUN:
            out.add(node.id)
    return out


def _parse(expr: str, source: str, field: str) -> ast.Expression:
    try:
        tree = ast.parse(str(expr), mode="eval")
    except SyntaxError:
        raise UserInputError(source, field, expr, "not a valid expression") from None
    allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.USub, ast.UAdd, ast.Constant, ast.Name, ast.Load,
               ast.Call, *_BIN)
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise UserInputError(source, field, expr, f"'{type(node).__name__}' is not allowed in an expression")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in _FUN
                                               and len(node.args) == 2 and not node.keywords):
            raise UserInputError(source, field, expr, "only min(a, b) and max(a, b) may be called")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise UserInputError(source, field, expr, "only numbers may appear as constants")
    return tree


def evaluate(expr: str | float | int, env: Mapping[str, Any], source: str = "<scenario>", field: str = "") -> Any:
    """Evaluate ``expr`` with the names of ``env`` (floats or arrays)."""
    if isinstance(expr, (int, float)) and not isinstance(expr, bool):
        return float(expr)
    tree = _parse(str(expr), source, field)

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            value: Any = node.value    # a number: _parse admits no other constant
            return float(value)
        if isinstance(node, ast.Name):
            if node.id not in env:
                raise UserInputError(source, field, node.id, "unknown name (declare it under 'law' or "
                                     "'assumptions')")
            return env[node.id]
        if isinstance(node, ast.UnaryOp):
            v = walk(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            return _BIN[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return _FUN[node.func.id](walk(node.args[0]), walk(node.args[1]))
        raise UserInputError(source, field, expr, "unsupported expression")  # pragma: no cover

    return walk(tree)
