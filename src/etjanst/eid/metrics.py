"""BankID's counter for Prometheus. It lives with BankID; the operations
app's /metrics serves every metric registered in the process."""

from prometheus_client import Counter

BANKID_ORDERS = Counter(
    "etjanst_bankid_orders_total",
    "BankID orders, by kind (auth, sign) and outcome (started, complete, failed, error).",
    ["kind", "outcome"],
)
# Known label values start at 0, so alerts see them before the first error.
for _kind in ("auth", "sign"):
    for _outcome in ("started", "complete", "failed", "error"):
        BANKID_ORDERS.labels(_kind, _outcome)
