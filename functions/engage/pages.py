"""The few HTML pages the function answers itself: unsubscribing, and a refused form.

They are reached without JavaScript (a link in an e-mail, a plain form POST), so they are
whole pages: ``lang="zh-CN"``, one ``<main>`` with a heading, the portal's stylesheet
(same origin), no script and no inline style, under the portal's strict CSP.
"""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse


def page(title: str, body: str, *, status: int = 200, home: str = "/") -> HTMLResponse:
    """A small page of the portal; ``body`` is trusted HTML made by this module's callers."""
    html = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{escape(home)}assets/css/tongda.css">
</head>
<body>
<main id="main" class="td-main">
<h1>{escape(title)}</h1>
{body}
<p><a href="{escape(home)}">返回门户首页</a></p>
</main>
</body>
</html>
"""
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def unsubscribe_confirm(*, home: str) -> HTMLResponse:
    """GET of an unsubscribe link: a button, because link checkers open links too.

    The form has no ``action``: it posts to the link itself, the RFC 8058 endpoint.
    """
    body = ('<p>点击下面的按钮即退订这一项政策推送，无需登录。退订后，订阅中保存的地址和信息随即删除。</p>\n'
            '<form method="post">\n'
            '<input type="hidden" name="List-Unsubscribe" value="One-Click">\n'
            '<button type="submit" class="td-button">确认退订</button>\n</form>')
    return page("退订政策推送", body, home=home)


def unsubscribed(*, found: bool, home: str) -> HTMLResponse:
    """After the POST: done (or nothing to do)."""
    if found:
        return page("已退订", "<p>您已退订这一项政策推送，今后不会再收到它的消息。"
                    "订阅中保存的地址和信息已删除。</p>", home=home)
    return page("无需退订", "<p>这个退订链接对应的订阅已经删除或不存在，不会再有消息发出。</p>",
                home=home)


def refused(title: str, detail: str, back: str, *, status: int, home: str) -> HTMLResponse:
    """A plain form POST that could not be accepted, with the way back."""
    body = (f'<div role="alert"><p>{escape(detail)}</p></div>\n'
            f'<p><a href="{escape(back)}">返回上一页修改</a></p>')
    return page(title, body, status=status, home=home)
