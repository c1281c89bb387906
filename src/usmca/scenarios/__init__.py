"""usmca.scenarios"""
