"""Domain layer: models and the operations that change them. No Flask request objects here."""
