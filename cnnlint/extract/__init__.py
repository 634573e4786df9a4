"""Find model definitions in a libcst module (being written)."""
