"""What every family's options model shares: unknown keys refused, one clear line per mistake.

A source's ``options`` table belongs to its family. Each family declares it once, as a
:class:`SourceOptions` subclass in ``spiders/<family>/options.py`` whose fields carry the
documented defaults; the spider reads the typed model (:meth:`SourceOptions.of`), never the raw
table. The registry checks every source's options when the configuration is loaded, so a typo
(``fetch_frist_post``) stops the load with::

    sources[bf-databases].options.fetch_frist_post: unknown option for a forum source; did you
    mean 'fetch_first_post'? allowed: allowed_domains, base_engine, …

Values are strict: TOML gives real booleans and integers, and ``"yes"`` is not ``true``.
"""

from __future__ import annotations

import difflib
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from crawler.core.config import SourceConfig, key_path
from crawler.core.errors import ConfigError

#: Order of numeric dates such as 03/04/2024, for the families that read displayed dates.
DateOrder = Literal["MDY", "DMY", "YMD"]


class SourceOptions(BaseModel):
    """Base of a family's options: unknown keys are errors, values are strict and immutable.

    Validators may read the source's ``engine`` from the validation context (``info.context``),
    which :meth:`of` always gives.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    @classmethod
    def of(cls, source: SourceConfig) -> Self:
        """The source's options, validated; raises ConfigError naming the source and the key."""
        try:
            return cls.model_validate(source.options, context={"engine": source.engine})
        except ValidationError as exc:
            raise ConfigError(describe_options_error(exc, cls, source)) from None


def describe_options_error(
    exc: ValidationError, model: type[SourceOptions], source: SourceConfig
) -> str:
    """One line: the source, the bad option and what is wrong; for an unknown option, the
    closest allowed one and the whole list."""
    error = exc.errors()[0]
    where = f"sources[{source.name}].options"
    key = key_path(error["loc"])
    if error["type"] == "extra_forbidden" and len(error["loc"]) == 1:
        allowed = sorted(model.model_fields)
        closest = difflib.get_close_matches(str(error["loc"][0]), allowed, n=1)
        hint = f"did you mean {closest[0]!r}? " if closest else ""
        return (
            f"{where}.{key}: unknown option for a {source.kind} source; "
            f"{hint}allowed: {', '.join(allowed)}"
        )
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    more = len(exc.errors()) - 1
    extra = f" ({more} more error(s))" if more else ""
    return f"{where}{'.' + key if error['loc'] else ''}: {message}{extra}"
