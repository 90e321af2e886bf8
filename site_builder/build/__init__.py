"""The build engine: context, per-department pipeline, writer and cache."""
