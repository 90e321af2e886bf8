"""The local preview: watching files, rebuilding, reloading pages."""
