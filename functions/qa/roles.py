"""Roles the Q&A function checks (found by :func:`functions.runtime.roles.declared`).

Make tokens with ``tongda token create NAME --role consultant``.
"""

from __future__ import annotations

from functions.runtime import roles

CONSULTANT = roles.declare(
    "consultant", "咨询员：查看智能问答转人工的问题，答复后答复显示给提问人")
REPORT = roles.declare(
    "qa:report", "导出智能问答的满意度统计（网站生成时据此在限度内调整排序）")
