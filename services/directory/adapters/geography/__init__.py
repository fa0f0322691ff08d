"""Where things are: courts' coordinates, postcodes, distances and the "near" search."""
