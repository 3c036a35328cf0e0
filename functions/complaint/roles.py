"""Roles the complaint function checks (found by ``tongda token`` through the registry)."""

from __future__ import annotations

from functions.runtime import roles

OPEN311_CLIENT = roles.declare(
    "open311-client", "随手拍：以 Open311 接口（api_key）提交市民反映的问题")
HANDLER = roles.declare(
    "handler", "随手拍：受理、处置、办结问题；令牌的主体（--subject）是处置队伍编号，"
    "不填则可处置全市的问题")
