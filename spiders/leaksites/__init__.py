"""The ransomware leak-site family: group layouts as data (YAML), parsers, state and options."""
