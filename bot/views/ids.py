"""Action ids, callback ids and block ids shared by the views and the handlers."""

# Buttons
SHOW = "rec_show"
UPDATE = "rec_update"  # opens the update modal
AT_RISK = "rec_at_risk"
ON_TRACK = "rec_on_track"
COMPLETED = "rec_completed"  # opens the completed-with-evidence modal
SNOOZE = "rec_snooze"
LIST_PAGE = "list_page"
IMPACT_EMBEDDED = "impact_embedded"
IMPACT_NOT_YET = "impact_not_yet"
CONFIRM_PROPOSAL = "proposal_confirm"
DISMISS_PROPOSAL = "proposal_dismiss"
EVIDENCE_UNDO = "evidence_undo"
EVIDENCE_ACCEPT = "evidence_accept"
EVIDENCE_REJECT = "evidence_reject"
SIGN_OFF = "rec_sign_off"

# The import preview
IMPORT_ALL = "import_all"
IMPORT_EDIT = "import_edit"
IMPORT_EDIT_ROW = "import_edit_row"
IMPORT_CANCEL = "import_cancel"
IMPORT_PAGE_PREV = "import_page_prev"
IMPORT_PAGE_NEXT = "import_page_next"

# Modals
ADD_MODAL = "add_recommendation"
UPDATE_MODAL = "update_recommendation"
COMPLETED_MODAL = "complete_recommendation"
SETTINGS_MODAL = "board_settings"
IMPORT_MODAL = "import_review"
EVIDENCE_MODAL = "evidence_from_message"
REJECT_EVIDENCE_MODAL = "reject_evidence"
IMPACT_MODAL = "impact_check"
IMPORT_EDIT_MODAL = "import_edit_recommendation"

# Shortcuts
ADD_AS_EVIDENCE = "add_as_evidence"
