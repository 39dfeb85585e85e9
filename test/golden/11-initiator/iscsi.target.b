target = iqn.2003-01.org.example:b
portal = 127.0.0.1
initiator = iqn.2024-01.org.example:own
node.session.scan = auto
node.session.timeo.replacement_timeout = 5
