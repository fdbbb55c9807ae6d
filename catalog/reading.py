"""Reading a YAML file of entries into typed models, with errors that name the file, the entry and the field.

Used for every declarative file of the project: the catalog, the file kinds, the validation rules and the
recordings' requests.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
# libyaml's loader where PyYAML has it: the pure-Python one takes about a second for the catalog, at every run's start.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogError(ValueError):
    """A catalog file is missing, malformed or inconsistent."""


def read_yaml(path: Path, keys: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
    """The top-level mapping of a YAML file: every key of `keys` present, no key outside `keys` and `optional`."""
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path.name}: cannot read: {exc}") from exc
    keys, optional = list(keys), list(optional)
    if doc is None and not keys:
        return {}
    if not isinstance(doc, dict):
        raise CatalogError(f"{path.name}: expected a mapping with the keys {keys + optional}")
    missing = [k for k in keys if k not in doc]
    unknown = sorted(str(k) for k in doc if k not in keys and k not in optional)
    if missing or unknown:
        raise CatalogError(f"{path.name}: " + "; ".join(
            ([f"expected the top-level keys {missing}"] if missing else []) + ([f"unknown top-level keys {unknown}"] if unknown else [])))
    return doc


def describe_errors(error: ValidationError) -> str:
    """Pydantic's errors in the words of a catalog author: missing and unknown keys listed, others by field."""
    missing = [_path(e["loc"]) for e in error.errors() if e["type"] == "missing"]
    unknown = [_path(e["loc"]) for e in error.errors() if e["type"] == "extra_forbidden"]
    other = [f"{_path(e['loc']) + ': ' if e['loc'] else ''}{_message(e)}" for e in error.errors()
             if e["type"] not in ("missing", "extra_forbidden")]
    return "; ".join(([f"missing keys {missing}"] if missing else []) + ([f"unknown keys {unknown}"] if unknown else []) + other)


def _path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _message(error: dict[str, Any]) -> str:
    message = str(error["msg"]).removeprefix("Value error, ").replace("valid tuple", "valid list")  # YAML has lists
    shown = error.get("input")
    return message if error["type"].startswith("value_error") or isinstance(shown, dict) else f"{message}, got {shown!r}"


def entries(model: type[M], raw: Any, file: str, what: str, key: str = "id", **context: Any) -> list[M]:
    """Each item of the list `raw` as a `model`; an error names the file and the entry (by its `key`, else its number)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise CatalogError(f"{file}: expected a list of {what} entries, got {type(raw).__name__}")
    out = []
    for n, item in enumerate(raw, 1):
        name = item.get(key) if isinstance(item, dict) and isinstance(item.get(key), str | int) else None
        where = f"{file}: {what} {name!r}" if name is not None else f"{file}: {what} {n}"
        if not isinstance(item, dict):
            raise CatalogError(f"{where}: expected a mapping of keys, got {item!r}")
        try:
            out.append(model.model_validate(item, context=context or None))
        except ValidationError as exc:
            raise CatalogError(f"{where}: {describe_errors(exc)}") from None
    return out


def unique(items: list[M], what: str, key: str = "id") -> dict[str, M]:
    """Items by `key`; the same key twice is an error."""
    out: dict[str, M] = {}
    for item in items:
        k = getattr(item, key)
        if k in out:
            raise CatalogError(f"{what}: duplicate {key} {k!r}")
        out[k] = item
    return out
