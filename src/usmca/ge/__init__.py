"""usmca.ge"""
