target = iqn.2003-01.org.example:ctl
portal = 127.0.0.1
lun = 2
value-with-cr = x
