"""A small structural validator for Kubernetes openAPIV3Schema (CRD) schemas.

It checks what the Kubernetes API server checks for a structural schema with
strict field validation: `type` (object, array, string, integer, number,
boolean), unknown fields (properties without additionalProperties are closed,
as the API server's pruning / strict validation treats them), `items`,
`additionalProperties`, `enum`, `required`, and the formats `int32`, `int64`
and `date-time`. Errors are strings naming the path, e.g.
`spec.outputPorts[0].adress: unknown field`.
"""

import datetime
import re

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**64 - 1)}
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _join(path, key):
    return f"{path}.{key}" if path else key


def validate(value, schema, path=""):
    """Returns the list of problems of `value` against `schema` (empty = valid)."""
    if value is None:
        return []  # null means absent, as in the protobuf JSON mapping
    kind = schema.get("type")
    errors = []
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{_join(path, key)}: required")
        for key, item in value.items():
            if properties is not None and key in properties:
                errors += validate(item, properties[key], _join(path, key))
            elif isinstance(extra, dict):
                errors += validate(item, extra, f"{path}[{key}]")
            elif properties is not None or extra is False:
                errors.append(f"{_join(path, key)}: unknown field")
    elif kind == "array":
        if not isinstance(value, list):
            return [f"{path}: expected an array, got {type(value).__name__}"]
        for index, item in enumerate(value):
            errors += validate(item, schema.get("items", {}), f"{path}[{index}]")
    elif kind == "string":
        if isinstance(value, (datetime.date, datetime.datetime)):
            value = value.isoformat()  # YAML 1.1 reads unquoted timestamps as dates
        if not isinstance(value, str):
            return [f"{path}: expected a string, got {value!r}"]
        if schema.get("format") == "date-time" and not _RFC3339.match(value):
            errors.append(f"{path}: not an RFC 3339 date-time: {value!r}")
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{path}: expected an integer, got {value!r}"]
        low, high = _INT_RANGES.get(schema.get("format"), (None, None))
        if low is not None and not low <= value <= high:
            errors.append(f"{path}: {value} out of range for {schema['format']}")
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"{path}: expected a number, got {value!r}"]
    elif kind == "boolean":
        if not isinstance(value, bool):
            return [f"{path}: expected a boolean, got {value!r}"]
    elif kind is not None:
        return [f"{path}: schema type {kind!r} not supported by this validator"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not one of {schema['enum']}")
    return errors


def structural_problems(schema, path="openAPIV3Schema"):
    """Problems making `schema` non-structural: every node needs a type, and
    properties/items/additionalProperties must themselves be structural."""
    problems = []
    if "type" not in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
        problems.append(f"{path}: no type")
    for key, child in schema.get("properties", {}).items():
        problems += structural_problems(child, f"{path}.properties.{key}")
    if isinstance(schema.get("items"), dict):
        problems += structural_problems(schema["items"], f"{path}.items")
    if isinstance(schema.get("additionalProperties"), dict):
        problems += structural_problems(schema["additionalProperties"],
                                        f"{path}.additionalProperties")
    if "properties" in schema and isinstance(schema.get("additionalProperties"), dict):
        problems.append(f"{path}: both properties and additionalProperties")
    return problems
