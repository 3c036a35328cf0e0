"""Roles the engage function checks (found by :func:`functions.runtime.roles.declared`).

Subscribers sign in like applicants: a local token made with ``tongda token create NAME
--role subscriber --subject ID`` or the portal's OpenID Connect sign-in (whose holders
act as ``applicant``, accepted here too).
"""

from __future__ import annotations

from functions.runtime import roles

SUBSCRIBER = roles.declare(
    "subscriber", "订阅者：以令牌绑定的主体（--subject）订阅政策推送，管理、暂停、删除自己的订阅")
MODERATOR = roles.declare(
    "moderator", "审核人员：审核征求意见稿收到的公众意见（通过后在截止后的汇总中公布）")
REPORT = roles.declare("engage:report", "查看政声报告：公众关注的热点（不含个人信息）")
MAIL = roles.declare("engage:mail", "邮件系统：报告退信的地址，订阅随即暂停")
#: Roles a signed-in subscriber may hold (OpenID Connect sign-ins are applicants).
SUBSCRIBERS = (SUBSCRIBER, "applicant")
