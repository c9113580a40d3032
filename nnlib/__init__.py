"""nnlib: a small, readable numpy neural-network library for teaching how networks learn."""
