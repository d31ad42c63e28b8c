"""A registry of named provider factories, one per provider kind.

Built-in providers register with the same decorator a plugin uses; plugins from other packages
are found through the entry-point group ``newsrag.<kind>`` (each entry point is a module that
registers itself on import). A setting names the provider; an unknown name is a
`ConfigurationError` that lists the known ones and names the setting, and so is a factory's
failure that is not a newsrag error (a provider library refusing its settings).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from newsrag.config import Settings
from newsrag.errors import ConfigurationError, NewsragError
from newsrag.providers.boundary import describe

T = TypeVar("T")
Factory = Callable[..., T]


class Registry(Generic[T]):
    def __init__(self, kind: str, setting: str) -> None:
        self.kind = kind
        self.setting = setting
        self._factories: dict[str, Factory[T]] = {}
        self._plugins_loaded = False

    def register(self, name: str) -> Callable[[Factory[T]], Factory[T]]:
        def decorator(factory: Factory[T]) -> Factory[T]:
            self._factories[name] = factory
            return factory

        return decorator

    def names(self) -> list[str]:
        self._load_plugins()
        return sorted(self._factories)

    def create(self, name: str, settings: Settings, **resources: Any) -> T:
        """Build the provider `name`; `resources` (a database, say) go to its factory."""
        self._load_plugins()
        factory = self._factories.get(name)
        if factory is None:
            known = ", ".join(self.names())
            raise ConfigurationError(
                f"Unknown {self.kind} {name!r}: set {self.setting} to one of: {known}.",
                code="unknown_provider",
            )
        try:
            return factory(settings, **resources)
        except NewsragError:
            raise
        except Exception as exc:  # a provider library's own failure while being set up
            raise ConfigurationError(
                f"Setting up the {self.kind} {name!r} failed with {describe(exc)}: check the "
                f"settings it reads, or set {self.setting} to another of: "
                f"{', '.join(self.names())}.",
                code="provider_setup_failed",
            ) from exc

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for entry in entry_points(group=f"newsrag.{self.kind.replace(' ', '_')}"):
            entry.load()
