"""The rules of custody the platform applies itself."""

from etjanst.eid.personnummer import age

# Custody (vårdnad) ends when the child turns 18 (föräldrabalken 6 kap. 2 §).
AGE_OF_MAJORITY = 18

__all__ = ["AGE_OF_MAJORITY", "age"]
