"""Pure Block Kit builders: domain snapshots in, validated Block Kit out. No I/O."""
