from etjanst.plugins.registry import Registry

from .base import EIDMethod

eid_methods: Registry[EIDMethod] = Registry()


def enabled_methods() -> list[EIDMethod]:
    return [method for method in eid_methods if method.is_enabled()]
