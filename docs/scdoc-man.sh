#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# scdoc-man.sh SCDOC INPUT OUTPUT: render one man page with scdoc. The first
# line '\" t tells man(1) to run tbl(1), which scdoc's tables need (without
# it groff warns "tbl preprocessor failed" and prints no table: lintian's
# groff-message on Debian 13). scdoc allows no '@' in page names, so the
# template unit's page is written "-AT-" and fixed up here.
set -eu
{
        printf "'\\\\\" t\n"
        "$1" <"$2"
} | sed 's/-AT-/@/g' >"$3"
