"""What the site works out from the content: comparisons, scores, open data (data only: where it goes is site/'s)."""
