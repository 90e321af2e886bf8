"""Content files: YAML in, typed and checked department-years out."""
