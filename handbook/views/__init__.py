"""What people see, made from the loaded handbook: pages, document control, history, feeds, editions."""
