#!/usr/bin/env python3
"""join_records.py OUT.xml FILE.xml...: the records of several records files as one file, in order
(the campaign first). Used to build the imported records the way the samples keep them: every
unit and organisation in one file, since the shipped templates look a parent organisation up in
the record's own file (templates/rectification-org.md: /wenshu/organisation[@id = $record/@parent])."""
import sys
import xml.etree.ElementTree as ET

NS = "urn:wenshu:campaign:1"
ET.register_namespace("", NS)
root = ET.Element("{%s}wenshu" % NS)
children = []
for path in sys.argv[2:]:
    children += list(ET.parse(path).getroot())
children.sort(key=lambda e: 0 if e.tag.endswith("}campaign") else 1)  # stable: order kept otherwise
root.extend(children)
ET.ElementTree(root).write(sys.argv[1], encoding="UTF-8", xml_declaration=True)
