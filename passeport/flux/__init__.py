"""The CDC flux of the certifiers (« accrochage »): schemas, build, validate, accusés.

A pure library (no Django import): certifiers use it alone, as a library or through
`passeport flux`; the deposit portal calls the very same functions.
"""
