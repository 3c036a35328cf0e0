"""Roles the voucher function checks (found by :func:`functions.runtime.roles.declared`).

Make tokens with ``tongda token create NAME --role ROLE --subject ID``:

- a citizen: ``--role citizen --subject <公民身份号码>`` (locally; in production the
  portal's sign-in gives the same principal);
- a requester such as a bank: ``--role requester --subject <统一社会信用代码>``, so its
  vouchers stay its own when the token is renewed.
"""

from __future__ import annotations

from functions.runtime import roles

REQUESTER = roles.declare(
    "requester", "数据凭证请求方（如银行）：请求市民授权查看其政务数据报告，在有效期内取回报告")


def _citizen() -> str:
    # Other functions may declare the same role for the same people; the first wording stays.
    try:
        return roles.declare(
            "citizen", "市民本人：查看、授权或拒绝关于本人的数据凭证请求，随时撤销（令牌须带 --subject）")
    except roles.RoleError:
        return "citizen"


CITIZEN = _citizen()
