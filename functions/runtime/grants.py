"""The PostgreSQL grants that keep the application's role from rewriting the audit log.

Two roles: an *owner* that runs the migrations and so owns every table (only an owner may
drop, alter, or disable the triggers of a table), and the *application* role the functions
connect as. The application may only INSERT and SELECT on ``audit_log``; UPDATE, DELETE and
TRUNCATE are not granted, and without ownership ``ALTER TABLE … DISABLE TRIGGER`` and
``DROP TRIGGER`` are refused. Staff tokens and the migration record are read-only to it:
``tongda token`` and migrations run with the owner's connection. ``docs/deploy.md`` walks
an operator through it; ``tongda db grants`` prints :func:`postgres_grants`.
"""

from __future__ import annotations

import re

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_$]{0,62}$")
APPEND_ONLY = ("audit_log",)
"""Tables the application may only read and append to."""
READ_ONLY = ("staff_tokens", "schema_migrations")
"""Tables the application may only read."""


def _quote(name: str, what: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{what} {name!r} 不是合适的 PostgreSQL 名称：请只用小写字母、数字和下划线，"
                         "以字母或下划线开头，不超过 63 个字符。")
    return f'"{name}"'


def postgres_grants(app_role: str, owner_role: str, *, schema: str = "public") -> str:
    """SQL that gives ``app_role`` exactly the rights the functions need.

    Run it as ``owner_role`` after every migration (it is idempotent): it first takes
    back every table right, then grants read and write on the functions' tables, only
    SELECT and INSERT on the audit log, and only SELECT on tokens and migrations. Default
    privileges give tables the owner creates later (a new function's migrations) the same
    read and write rights.

    Args:
        app_role: The role the functions connect as.
        owner_role: The role that owns the tables and runs the migrations.
        schema: The schema holding the tables.

    Returns:
        The SQL, one statement a line, with Chinese comments.
    """
    app, owner, ns = (_quote(app_role, "应用角色"), _quote(owner_role, "所有者角色"),
                      _quote(schema, "模式"))
    if app == owner:
        raise ValueError("应用角色不能同时是表的所有者：所有者可以删改审计日志和停用触发器。")
    append_only = ", ".join(f"{ns}.{table}" for table in APPEND_ONLY)
    read_only = ", ".join(f"{ns}.{table}" for table in READ_ONLY)
    # Every name in the SQL is a checked, quoted identifier or one of our table names.
    return "\n".join([  # noqa: S608
        f"-- 通达服务端函数：应用角色 {app} 的权限。由所有者 {owner} 在每次迁移之后执行。",
        "BEGIN;",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {ns} FROM {app};",
        f"REVOKE CREATE ON SCHEMA {ns} FROM {app};",
        f"GRANT USAGE ON SCHEMA {ns} TO {app};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {ns} TO {app};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {ns} TO {app};",
        "-- 审计日志只能读取和追加：不能改、不能删、不能清空。",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {append_only} FROM {app};",
        "-- 工作人员令牌和迁移记录只读：tongda token 和迁移用所有者的连接。",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {read_only} FROM {app};",
        "-- 所有者以后建的表（新函数的迁移）自动可读写。",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {ns} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {ns} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {app};",
        "COMMIT;",
    ]) + "\n"
