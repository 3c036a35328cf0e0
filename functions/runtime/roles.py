"""The roles a staff token may hold, declared by the functions that check them.

A function declares each role its routes require in a ``roles.py`` of its own package, one
line a role::

    REVIEW = roles.declare("apply:review", "审核补贴申请")

:func:`declared` finds every ``functions.<name>.roles`` module, so ``tongda token`` sees
every function's roles without importing the functions' apps. Role names are lower-case
words joined by ``:``, ``-`` or ``_``: never spaces (tokens store roles space-separated).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
from collections.abc import Iterable
from dataclasses import dataclass

NAME = re.compile(r"^[a-z][a-z0-9_-]*(:[a-z][a-z0-9_-]*)*$")
MAX_LENGTH = 64


class RoleError(ValueError):
    """A role name that is malformed or not declared; the message is in Chinese."""


@dataclass(frozen=True)
class Role:
    """A declared role and what it allows, in Chinese."""

    name: str
    description: str


_ROLES: dict[str, Role] = {}
_discovered = False


def check_name(name: str) -> str:
    """Return ``name`` if it is a well-formed role name, else raise :class:`RoleError`."""
    if not isinstance(name, str) or len(name) > MAX_LENGTH or not NAME.match(name):
        raise RoleError(f"角色名 {name!r} 不合规：只能用小写字母、数字、-、_，以 : 分段"
                        f"（如 match:publish），不能有空格，不超过 {MAX_LENGTH} 个字符。")
    return name


def declare(name: str, description: str) -> str:
    """Declare a role (once per process; the same declaration again is harmless).

    Returns:
        ``name``, so a declaration can name a constant.
    """
    check_name(name)
    known = _ROLES.get(name)
    if known is not None and known.description != description:
        raise RoleError(f"角色 {name} 已声明为“{known.description}”，不能再声明为“{description}”。")
    _ROLES[name] = Role(name, description)
    return name


def _discover() -> None:
    """Import every function package's ``roles`` module (once)."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    import functions

    for info in pkgutil.iter_modules(functions.__path__):
        if not info.ispkg or info.name == "runtime":
            continue
        if importlib.util.find_spec(f"functions.{info.name}.roles") is not None:
            importlib.import_module(f"functions.{info.name}.roles")


def declared() -> dict[str, Role]:
    """Every declared role by name, the functions' own included, sorted by name."""
    _discover()
    return dict(sorted(_ROLES.items()))


def check(names: Iterable[str]) -> list[str]:
    """The roles ``names`` sorted and without repeats, or :class:`RoleError`."""
    roles = sorted({check_name(n) for n in names})
    if not roles:
        raise RoleError("令牌至少要有一个角色。")
    known = declared()
    unknown = [n for n in roles if n not in known]
    if unknown:
        raise RoleError(f"未声明的角色：{'、'.join(unknown)}。已声明的角色："
                        f"{'、'.join(known)}（tongda token roles 列出它们的说明；函数的新角色"
                        "在它自己包中的 roles.py 里用 roles.declare 声明）。")
    return roles


ADMIN = declare("admin", "管理员：拥有所有角色的权限")
AUDIT_READ = declare("audit:read", "查看各函数的审计日志")
MATCH_PUBLISH = declare("match:publish", "发布政策匹配规则（规则集）")
