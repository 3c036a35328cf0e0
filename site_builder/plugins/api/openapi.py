"""The OpenAPI 3.1 description of the static API.

Metadata schemas come from the content model itself (pydantic's JSON Schema of ``Policy``,
``Service``…, serialisation mode), so the description cannot drift from what is written.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from site_builder.content.model import MODELS

from .export import API_VERSION, COLLECTIONS

_REF = "#/components/schemas/{model}"
_NULL_STR = {"type": ["string", "null"]}
_DATE = {"type": ["string", "null"], "format": "date"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(model=name)}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or list(props),
            "additionalProperties": False}


def _fixed_schemas() -> dict[str, Any]:
    summary = _obj({
        "id": {"type": "string"}, "kind": {"type": "string"}, "title": {"type": "string"},
        "url": {"type": "string", "description": "站点内的网页地址（相对站点根目录）"},
        "api_url": {"type": "string", "description": "本文档 JSON 的地址（相对 api/v1/）"},
        "status": _NULL_STR, "doc_number": _NULL_STR, "issuer": _NULL_STR,
        "level": {"enum": ["national", "province", "city", "district", None]},
        "published": _DATE, "updated": _DATE, "summary": _NULL_STR,
        "topics": {"type": "array", "items": {"type": "string"}},
        "audiences": {"type": "array", "items": {"type": "string"}},
    })
    relation = _obj({
        "kind": {"type": "string", "description": "关系类型，如 based_on、interprets、cites"},
        "id": {"type": "string"}, "title": {"type": "string"}, "doc_kind": {"type": "string"},
        "declared": {"type": "boolean", "description": "true：文件声明的关系；false：从正文识别"},
        "api_url": {"type": "string"},
    })
    link = {"type": ["string", "null"]}
    page = _obj({
        "collection": {"enum": list(COLLECTIONS)}, "kind": {"enum": list(COLLECTIONS.values())},
        "page": {"type": "integer", "minimum": 1}, "pages": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1}, "total": {"type": "integer", "minimum": 0},
        "items": {"type": "array", "items": _ref("ApiSummary")},
        "links": _obj(dict.fromkeys(("self", "first", "last", "prev", "next"), link)),
    })
    index = _obj({
        "version": {"type": "string"}, "openapi": {"type": "string"},
        "collections": {"type": "array", "items": _obj({
            "name": {"enum": list(COLLECTIONS)}, "kind": {"type": "string"},
            "total": {"type": "integer"}, "pages": {"type": "integer"}, "first": {"type": "string"},
        })},
    })
    return {"ApiSummary": summary, "ApiRelation": relation, "ApiPage": page, "ApiIndex": index}


def _document_schema(model: str) -> dict[str, Any]:
    relations = {"type": "array", "items": _ref("ApiRelation")}
    return _obj({
        "id": {"type": "string"}, "kind": {"type": "string"}, "title": {"type": "string"},
        "url": {"type": "string"}, "status": _NULL_STR, "meta": _ref(model),
        "relations": _obj({"outgoing": relations, "incoming": relations}),
        "body": {"type": "string", "description": "正文（Markdown）"},
    }, required=["id", "kind", "title", "url", "status", "meta", "relations"])


def _model_schemas() -> dict[str, Any]:
    kinds = list(COLLECTIONS.values())
    _, top = models_json_schema([(MODELS[k], "serialization") for k in kinds],
                                ref_template=_REF)
    return dict(top.get("$defs", {}))


def openapi(title: str, server: str = "./") -> dict[str, Any]:
    """The OpenAPI 3.1 document for the API files (served from ``server``)."""
    schemas = _model_schemas() | _fixed_schemas()
    paths: dict[str, Any] = {"/index.json": _get("接口目录：各数据集的数量和第一页", "ApiIndex")}
    for name, kind in COLLECTIONS.items():
        model = MODELS[kind].__name__
        schemas[f"Api{model}Document"] = _document_schema(model)
        paths[f"/{name}/page/{{page}}.json"] = _get(
            f"{name} 列表（分页，最新在前）", "ApiPage", [_param("page", {"type": "integer", "minimum": 1})])
        paths[f"/{name}/{{id}}.json"] = _get(
            f"单个文档（{kind}）：元数据、关系和正文", f"Api{model}Document",
            [_param("id", {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"})])
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": API_VERSION,
                 "description": "静态 JSON 文件形式的政策开放数据：政策文件、政策解读、办事指南和常见问题，"
                                "含元数据和文档之间的关系。所有地址相对于本文件所在目录。"},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _param(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _get(summary: str, schema: str, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {"200": {
        "description": summary,
        "content": {"application/json": {"schema": _ref(schema)}}}}}
    if params:
        op["parameters"] = params
    return {"get": op}
