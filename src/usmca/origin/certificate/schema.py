"""The PARTIES.yaml schema of a certification of origin (USMCA Art. 5.2, Annex 5-A; 19 CFR 182.12).

```yaml
certifier_role: exporter            # importer | exporter | producer        (Annex 5-A, element 1)
certifier:                          # name, title, address (incl. country), phone, email (element 2)
  name: Ana Ruiz
  title: Trade compliance manager
  company: Motores del Norte SA de CV
  address: Av. Industrial 100, Monterrey, NL
  country: MX
  phone: "+52 81 5555 0100"
  email: ana.ruiz@example.mx
exporter: same_as_certifier         # a party | same_as_certifier | unknown (producer certifying) (3)
producer: same_as_certifier         # a party | same_as_certifier | various | available_upon_request
                                    #   | a list of parties                                        (4)
importer: {name: ..., address: ..., country: US, phone: ..., email: ...}   # or unknown          (5)
signature: {name: Ana Ruiz, date: 2026-03-01}        # authorized signature and date             (9)
```
Elements 6-8 (description and HS classification, origin criterion, blanket period) come from the
bill of materials, the origin determination and the command line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal, Union

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from usmca.errors import UserInputError
from usmca.law.userfile import load_user_yaml

__all__ = ["Party", "Signature", "Parties", "load_parties"]


class Party(BaseModel):
    """A person or company named on the certification."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1)
    title: str | None = None
    company: str | None = None
    address: str = Field(min_length=1)
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    phone: str | None = None
    email: str | None = None

    @field_validator("country")
    @classmethod
    def _known_country(cls, v: str) -> str:
        from usmca.law.countries import unknown_countries

        if unknown_countries(np.array([v]))[0]:
            raise ValueError("not an ISO 3166-1 alpha-2 country code")
        return v


class Signature(BaseModel):
    """Authorized signature and date (Annex 5-A, element 9)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    date: dt.date


ProducerSpec = Union[Literal["same_as_certifier", "various", "available_upon_request"], Party, list[Party]]


class Parties(BaseModel):
    """The parties of a certification of origin (elements 1-5 and 9 of Annex 5-A)."""

    model_config = ConfigDict(extra="forbid")

    certifier_role: Literal["importer", "exporter", "producer"]
    certifier: Party
    exporter: Union[Literal["same_as_certifier", "unknown"], Party] = "same_as_certifier"
    producer: ProducerSpec = "same_as_certifier"
    importer: Union[Literal["same_as_certifier", "unknown"], Party] = "unknown"
    signature: Signature

    @field_validator("certifier")
    @classmethod
    def _certifier_contact(cls, v: Party) -> Party:
        missing = [f for f in ("title", "phone", "email") if not getattr(v, f)]
        if missing:
            raise ValueError(f"the certifier needs {', '.join(missing)} (Annex 5-A element 2)")
        return v

    @model_validator(mode="after")
    def _exporter_unknown_only_for_producer(self) -> "Parties":
        # 19 CFR 182.12(a)(4)(iii): the exporter may be left out only when the producer certifies
        # and does not know the exporter.
        if self.exporter == "unknown" and self.certifier_role != "producer":
            raise ValueError("exporter 'unknown' is allowed only when the producer is the certifier")
        return self

    def resolved(self) -> dict[str, Any]:
        """Parties with ``same_as_certifier`` replaced by the certifier (plain dicts)."""
        def one(x: Any) -> Any:
            if x == "same_as_certifier":
                return self.certifier.model_dump()
            if isinstance(x, Party):
                return x.model_dump()
            if isinstance(x, list):
                return [p.model_dump() for p in x]
            return x

        return {"certifier_role": self.certifier_role, "certifier": self.certifier.model_dump(),
                "exporter": one(self.exporter), "producer": one(self.producer), "importer": one(self.importer),
                "signature": self.signature.model_dump()}


def load_parties(path: str | Path) -> Parties:
    """Read and validate PARTIES.yaml.

    Raises
    ------
    UserInputError
        Missing file, bad YAML, or a field that breaks the schema (named with its path).
    """
    p = Path(path)
    raw = load_user_yaml(p, "PARTIES file")
    if not isinstance(raw, dict):
        raise UserInputError(str(p), "", type(raw).__name__, "PARTIES file must be a mapping")
    try:
        return Parties.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise UserInputError(str(p), loc, err.get("input"), err["msg"]) from None
