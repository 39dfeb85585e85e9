target = iqn.2003-01.org.example:b
portal = 127.0.0.1
mount = /mnt//same/
