"""The county a hub serves: its townships and departments, read from ``core/counties/<code>.json``.

The JSON files ship with the package (they are configuration, not data fetched at run time).
Townships use their 9-digit division code; departments use short stable codes (``gaj``, ``rsj``)
that the accounts app and the appeals router key on. Every township is also a department of kind
``township`` so that appeals can be dispatched to it.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from zhongshu.core.errors import ConfigError, NotFound

__all__ = ["County", "Department", "DepartmentKind", "Township", "TownshipKind", "load_county"]

TownshipKind = Literal["街道", "镇", "乡", "开发区"]
DepartmentKind = Literal["government", "bureau", "township", "utility"]
_TOWNSHIP_KINDS = ("街道", "镇", "乡", "开发区")
_DEPARTMENT_KINDS = ("government", "bureau", "township", "utility")


@dataclass(frozen=True)
class Township:
    """A township-level unit (乡级行政区划) with its 9-digit division code."""

    code: str
    name: str
    kind: TownshipKind
    name_en: str = ""


@dataclass(frozen=True)
class Department:
    """A unit of the county's organisation tree; ``parent`` is None only for the root."""

    code: str
    name: str
    short_name: str
    name_en: str
    kind: DepartmentKind
    parent: str | None = None


@dataclass(frozen=True)
class County:
    """A county-level division and its units, as configured for one hub."""

    code: str
    name: str
    name_en: str
    city: str
    province: str
    landline_area_code: str
    townships: tuple[Township, ...]
    departments: tuple[Department, ...]
    plate_prefix: str = ""
    postal_code: str = ""

    @property
    def full_name(self) -> str:
        """Province + city + county, the prefix of every address in the county."""
        return f"{self.province}{self.city}{self.name}"

    @property
    def root(self) -> Department:
        """The county government, root of the department tree."""
        return next(d for d in self.departments if d.parent is None)

    def township(self, code: str) -> Township:
        """Return the township with this 9-digit code or raise NotFound."""
        found = _index(self.townships).get(code)
        if found is None:
            raise NotFound("township", code)
        return found

    def township_by_name(self, name: str) -> Township:
        """Return the township with this Chinese name (e.g. 城阳街道) or raise NotFound."""
        for t in self.townships:
            if t.name == name:
                return t
        raise NotFound("township", name)

    def department(self, code: str) -> Department:
        """Return the department with this code (townships: their 9-digit code) or raise NotFound."""
        found = _index(self.departments).get(code)
        if found is None:
            raise NotFound("department", code)
        return found

    def children(self, code: str) -> tuple[Department, ...]:
        """Departments whose parent is ``code``."""
        return tuple(d for d in self.departments if d.parent == code)


@functools.lru_cache(maxsize=64)
def _index(units: tuple) -> dict:
    # Keyed on the (hashable, frozen) tuple so that County itself stays a plain frozen dataclass.
    return {u.code: u for u in units}


def load_county(code: str = "371122") -> County:
    """Load and validate the configuration of county ``code`` (cached)."""
    return _load(code)


@functools.lru_cache(maxsize=8)
def _load(code: str) -> County:
    if not code.isascii() or not code.isdigit() or len(code) != 6:
        raise NotFound("county", code)
    resource = resources.files("zhongshu.core") / "counties" / f"{code}.json"
    try:
        raw = json.loads(resource.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound("county", code) from None
    return _parse(code, raw)


def _parse(code: str, raw: dict) -> County:
    setting = f"counties/{code}.json"
    try:
        townships = tuple(
            Township(t["code"], t["name"], t["kind"], t.get("name_en", "")) for t in raw["townships"]
        )
        departments = tuple(
            Department(d["code"], d["name"], d["short_name"], d["name_en"], d["kind"], d.get("parent"))
            for d in raw["departments"]
        )
        county = County(
            code=raw["code"],
            name=raw["name"],
            name_en=raw.get("name_en", ""),
            city=raw["city"],
            province=raw["province"],
            landline_area_code=raw["landline_area_code"],
            townships=townships,
            departments=departments,
            plate_prefix=raw.get("plate_prefix", ""),
            postal_code=raw.get("postal_code", ""),
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(setting, f"missing or malformed entry: {exc}") from None
    _validate(setting, code, county)
    return county


def _validate(setting: str, code: str, county: County) -> None:
    if county.code != code:
        raise ConfigError(setting, f"code {county.code!r} does not match the file name")
    for t in county.townships:
        if len(t.code) != 9 or not t.code.startswith(code) or t.kind not in _TOWNSHIP_KINDS:
            raise ConfigError(setting, f"bad township {t.code} {t.name}")
    codes = [d.code for d in county.departments]
    if len(set(codes)) != len(codes):
        raise ConfigError(setting, "duplicate department codes")
    roots = [d for d in county.departments if d.parent is None]
    if len(roots) != 1:
        raise ConfigError(setting, "exactly one department must have no parent")
    for d in county.departments:
        if d.kind not in _DEPARTMENT_KINDS:
            raise ConfigError(setting, f"department {d.code}: unknown kind {d.kind!r}")
        if d.parent is not None and d.parent not in codes:
            raise ConfigError(setting, f"department {d.code}: unknown parent {d.parent!r}")
    township_depts = {d.code for d in county.departments if d.kind == "township"}
    if township_depts != {t.code for t in county.townships}:
        raise ConfigError(setting, "every township must also be a department of kind 'township'")
