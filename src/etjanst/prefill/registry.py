from etjanst.plugins.registry import Registry

from .base import PrefillSource

prefill_sources: Registry[PrefillSource] = Registry()
