"""Reference TokenStore implementations that pass every clause of docs/contract.md.

They are written to be read: ``records`` holds what all three share (the ten
columns, the lookup order, merging), ``sql`` the SQLite logic, and each store
module only says where its data lives.
"""
