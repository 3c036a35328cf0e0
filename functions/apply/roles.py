"""Roles the applications function checks (found by :func:`functions.runtime.roles.declared`).

Make tokens with ``tongda token create NAME --role ROLE`` (an applicant's with
``--subject`` naming the enterprise's 统一社会信用代码 or the person's 公民身份号码).
"""

from __future__ import annotations

from functions.runtime import roles

APPLICANT = roles.declare("applicant", "申请人：以令牌绑定的主体（--subject）申请补贴、查看自己的申请")
REVIEWER = roles.declare("reviewer", "审核人员：审核待人工审核的补贴申请，运行免申即享，查看申请")
PAYMENTS = roles.declare("payments", "支付系统：读取待支付的支付指令并确认收到")
#: Roles that see every application (personal data only to its owner and to staff).
STAFF = (REVIEWER, PAYMENTS)
