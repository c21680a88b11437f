from etjanst.plugins.registry import Registry

from .base import EIDMethod

eid_methods: Registry[EIDMethod] = Registry()


def enabled_methods() -> list[EIDMethod]:
    return [method for method in eid_methods if method.is_enabled()]


def swedish_eid_names() -> list[str]:
    """The enabled e-IDs that give a Swedish personnummer, as /logga-in/
    names them: what an e-service that needs a personnummer accepts."""
    return [
        option.name
        for method in enabled_methods()
        for option in method.login_options("/")
        if not option.foreign
    ]
