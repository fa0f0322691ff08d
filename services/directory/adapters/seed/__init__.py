"""Facts and sample data loaded into an empty directory database."""
