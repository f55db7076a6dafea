"""Who may change the territorial registry. Later issues widen this to registering bodies."""

import rules

from esep.accounts.rules import is_administrator

rules.add_perm("territory.create_unit", is_administrator)
rules.add_perm("territory.publish_unit", is_administrator)
rules.add_perm("territory.create_body", is_administrator)
