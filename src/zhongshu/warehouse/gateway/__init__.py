"""The SQL gateway: analysts' SQL over granted tables, masked at the source, run in a sandbox.

    compile(sql, policies, token_key=…, limits=…) -> Compiled     parse → check → rewrite (no engine)
    to_dialect(compiled, "spark") -> str                          the same rewrite for another engine
    Gateway().run(sql, policies, token_key=…, limits=…) -> Result   compile, then a pooled sandbox worker
    Gateway().run_arrow(...) -> pyarrow.Table                     same path, for exports
    get_gateway()                                                 the process's pool

It takes a policy per granted table (`TablePolicy`) and a query and returns rows or a clear
refusal (`GatewayRefused`, before anything runs) or failure (`GatewayError`, while running); it
makes no permission decision and writes no audit record — the sharing app does both around it.
See docs/sql-gateway.md for the design, the allowlist and the limits.
"""

from zhongshu.warehouse.gateway.compiler import RULES, Compiled, compile, to_dialect
from zhongshu.warehouse.gateway.errors import GatewayError, GatewayRefused
from zhongshu.warehouse.gateway.policy import MASK_KINDS, Limits, TablePolicy
from zhongshu.warehouse.gateway.pool import Gateway, get_gateway
from zhongshu.warehouse.gateway.result import Result

__all__ = [
    "MASK_KINDS",
    "RULES",
    "Compiled",
    "Gateway",
    "GatewayError",
    "GatewayRefused",
    "Limits",
    "Result",
    "TablePolicy",
    "compile",
    "get_gateway",
    "to_dialect",
]
