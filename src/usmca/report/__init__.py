"""usmca.report"""
