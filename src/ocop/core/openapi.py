"""The OpenAPI schema of /api/v1 with one component per schema class.

django-ninja files every model's JSON schema under its class name (`#/components/schemas/UnitRef`)
and, when two apps each have a `UnitRef` of a different shape, the last one wins: the schema then
describes the other endpoints' answers wrongly (the API fuzzing of tests/security found it). Here
a definition whose name is taken by a different shape gets its own name (the class name and a
short digest of its shape) and the references to it are rewritten.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.schema import NinjaGenerateJsonSchema


def _ref(name: str) -> str:
    return json.dumps(REF_TEMPLATE.format(model=name))


def _renamed(schema: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    text = json.dumps(schema, ensure_ascii=False)
    for old, new in renames.items():
        text = text.replace(_ref(old), _ref(new))
    return json.loads(text)


class UniqueComponentsSchema(OpenAPISchema):
    def _create_schema_from_model(
        self,
        model: Any,
        by_alias: bool = True,
        remove_level: bool = True,
        mode: Any = "validation",
    ) -> tuple[dict[str, Any], bool]:
        if hasattr(model, "__ninja_flatten_map__"):
            return super()._create_schema_from_model(model, by_alias, remove_level, mode)
        schema = model.model_json_schema(
            ref_template=REF_TEMPLATE,
            by_alias=by_alias,
            schema_generator=NinjaGenerateJsonSchema,
            mode=mode,
        ).copy()
        definitions = schema.pop("$defs", {})
        renames: dict[str, str] = {}
        while True:  # a renamed definition changes the ones that refer to it: until stable
            definitions = _renamed(definitions, renames) if renames else definitions
            clashes = {
                name: f"{name}_{hashlib.sha1(json.dumps(d, sort_keys=True).encode()).hexdigest()[:6]}"  # noqa: S324  (a name, not security)
                for name, d in definitions.items()
                if name not in renames.values() and self.schemas.get(name, d) != d
            }
            if not clashes:
                break
            definitions = {clashes.get(name, name): d for name, d in definitions.items()}
            renames.update(clashes)
        schema = _renamed(schema, renames) if renames else schema
        self.add_schema_definitions(definitions)
        if remove_level and len(schema["properties"]) == 1:
            name, details = next(iter(schema["properties"].items()))
            return details, name in schema.get("required", {})
        return schema, True
