# Type hints for the parts of peewee's playhouse that Padcom uses; peewee ships hints
# for peewee itself (peewee-stubs) but none for playhouse. See typings/README.md.
