"""usmca.tariffs"""
