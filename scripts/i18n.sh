#!/usr/bin/env bash
# Regenerate and compile Kefu's English catalog: kefu/locale/en/LC_MESSAGES/django.po and .mo.
#
# Kefu's source strings (msgids) are Simplified Chinese; English is the translation that the
# language switcher selects. After adding or changing a translatable string
# (gettext / gettext_lazy / {% translate %} / {% blocktranslate %}):
#   1. scripts/i18n.sh          # update django.po from the code and compile django.mo
#   2. translate every new or changed entry in kefu/locale/en/LC_MESSAGES/django.po (an empty
#      msgstr, or one marked "#, fuzzy": write the English and delete the fuzzy flag)
#   3. scripts/i18n.sh          # again, so django.mo holds the new translations
#   4. commit both django.po and django.mo (running Kefu needs no gettext tools)
# kefu/core/tests/test_i18n.py fails while an entry is untranslated or fuzzy.
# Needs GNU gettext (xgettext, msgmerge, msgfmt): apt-get install gettext.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
cd kefu
# Run inside kefu/ so only Kefu's own code is scanned (not .venv or frontend/node_modules).
# Tests and the demo data hold no user-facing strings.
kefu makemessages --locale en --no-obsolete --add-location file \
  --ignore tests --ignore demo --ignore migrations --ignore static
kefu compilemessages --locale en
