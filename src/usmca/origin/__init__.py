"""usmca.origin"""
