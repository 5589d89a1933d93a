"""Pure state machines and data formats: no grpc, lmdb, asyncio, time or random.

The shells (storage_node/, compute_node/) own network, disk and clocks and drive
these cores; `tests/unit/test_core_purity.py` enforces the rule.
"""
