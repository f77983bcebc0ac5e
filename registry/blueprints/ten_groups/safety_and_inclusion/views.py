"""Pages of these groups' own records."""
blueprints: tuple = ()
