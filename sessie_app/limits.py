"""How many characters each text field people fill in may hold: one number per field.

The model's column, the form's validator (and through it the page's ``maxlength`` and its visible
counter), the socket handler and the service all read the number here, so they cannot drift apart.
Changing a number that a column uses needs a migration as well.
"""

# The live board, on the phone and in the console.
PROPOSAL_TITLE = 140
PROPOSAL_BIG = 600  # "groot denken"
PROPOSAL_SMALL = 600  # "klein doen"
BOTTLENECK_TEXT = 300
NICKNAME = 40
HIDE_REASON = 300

# Registration.
NAME = 120
ORGANISATION = 160
EMAIL = 254  # the longest address SMTP can deliver (RFC 5321)
DIETARY = 500
ACCESSIBILITY = 500

# The organiser's pages.
CITY = 80
VENUE = 200
ADDRESS = 300
SLUG = 60
BOARD_TITLE = 120
SEARCH = 200
# A message to a session's registrants: a subject line a phone shows whole, a text of a few paragraphs.
MESSAGE_SUBJECT = 120
MESSAGE_BODY = 4000

# The reports' group review.
GROUP_TITLE = PROPOSAL_TITLE  # a new group takes the title of one of its proposals

# The board's text fields under the names its socket events, services and CSV import use.
BOARD_FIELDS = {
    "title": PROPOSAL_TITLE,
    "big": PROPOSAL_BIG,
    "small": PROPOSAL_SMALL,
    "text": BOTTLENECK_TEXT,
    "nickname": NICKNAME,
    "reason": HIDE_REASON,
}
