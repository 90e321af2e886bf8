"""Search: segmenting Chinese for Pagefind and building its index."""
