"""usmca.data"""
