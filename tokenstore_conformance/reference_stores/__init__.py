"""Reference TokenStore implementations that pass every clause of docs/contract.md.

They are written to be read: ``records`` holds what all of them share (the ten
columns, the lookup order, merging), ``sql`` the SQLite logic, ``redis_scripts``
the Redis store's atomic steps, and each store module says where its data lives.
"""
