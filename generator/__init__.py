"""Static literature-review site generator: listing dumps in, a themed survey site out."""
