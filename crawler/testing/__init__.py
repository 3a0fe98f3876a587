"""What the crawler's tests and the demo run against: the sample server."""
