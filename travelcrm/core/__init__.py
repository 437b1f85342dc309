"""Cross-cutting building blocks: ids, money, clock, errors, logging context."""
