"""What the site works out from the content: comparisons, completeness, open data."""
