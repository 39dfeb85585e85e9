target = iqn.2003-01.org.example:c
portal = 127.0.0.1
