"""The pages: routes, views, sections, tables, charts and rendering."""
