"""The bundled offline sample: real published figures in the providers' own formats."""
