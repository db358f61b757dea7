"""What the site shows: page content read from an archive database, safe HTML, and the Datasette configuration."""
