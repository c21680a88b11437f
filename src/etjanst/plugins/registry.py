"""The small registry every pluggable part shares (question types, e-ID
methods, prefill sources). Plugins are looked up by id, never all called."""

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps a plugin id to a plugin instance. Tests make their own Registry()."""

    def __init__(self) -> None:
        self._plugins: dict[str, T] = {}

    def register(self, plugin_id: str) -> Callable[[type[T]], type[T]]:
        def decorator(cls: type[T]) -> type[T]:
            if plugin_id in self._plugins:
                raise ValueError(f"A plugin with id {plugin_id!r} is already registered.")
            instance = cls()
            instance.identifier = plugin_id  # type: ignore[attr-defined]
            self._plugins[plugin_id] = instance
            return cls

        return decorator

    def __getitem__(self, plugin_id: str) -> T:
        return self._plugins[plugin_id]

    def __contains__(self, plugin_id: object) -> bool:
        return plugin_id in self._plugins

    def __iter__(self) -> Iterator[T]:
        return iter(self._plugins.values())

    def ids(self) -> list[str]:
        return list(self._plugins)
