"""The pages and files of the site: routes, views, downloads, sections, tables, charts and rendering."""
