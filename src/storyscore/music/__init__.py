"""Music theory primitives: keys, modes, scales and pitch names (stdlib only)."""
