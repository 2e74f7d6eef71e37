"""Every write of the accounts app. Import from the submodules: groups, members, signin, imports."""
