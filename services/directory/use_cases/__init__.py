"""What people do with the directory: create, change, withdraw, review, suggest."""
