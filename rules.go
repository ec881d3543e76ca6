package opentomentor

// Rule keys: the stable names of what a field or a request breaks. The API
// sends them as errors[].rule (and rule) with their arguments; pages and
// e-mails translate them (catalog key "rule.<key>"). A key, once shipped,
// keeps its meaning; add new ones to Rules.
const (
	// Input fields.
	RuleRequired     = "required"           // a value is needed
	RuleMinLength    = "min_length"         // {min}: at least min characters
	RuleMaxLength    = "max_length"         // {max, length}: at most max characters
	RuleLength       = "length"             // {min, max}: between min and max characters
	RuleInvalidUTF8  = "invalid_utf8"       // not valid UTF-8
	RuleControlChars = "control_chars"      // holds control characters
	RuleMaxItems     = "max_items"          // {max}: at most max entries
	RuleItemLength   = "item_length"        // {max}: each entry 1–max characters
	RuleUnknownTopic = "unknown_topic"      // {value}: not in the topic vocabulary
	RuleLanguageCode = "language_code"      // {value}: not an ISO 639-1 code
	RuleCountryCode  = "country_code"       // {value}: not an ISO 3166-1 alpha-2 code
	RuleRange        = "range"              // {min, max}: a number between min and max
	RuleOneOf        = "one_of"             // {allowed}: one of the allowed values
	RuleHTTPS        = "https_url"          // an https:// link
	RuleLinkedInURL  = "linkedin_url"       // a link to a LinkedIn profile
	RuleNoPort       = "no_port"            // a link without a port
	RuleSlug         = "slug"               // 3–40 lowercase letters, digits or dashes
	RuleReserved     = "reserved"           // {value}: a reserved id
	RuleDate         = "date"               // a date YYYY-MM-DD
	RuleDateOrder    = "date_order"         // not before the date above it
	RuleAfterKickOff = "after_kickoff"      // after the kick-off
	RuleRequiredOnce = "required_once_open" // required once registration has opened
	RuleDomain       = "domain"             // {value}: not a domain name
	RulePublicDomain = "public_domain"      // {value}: a public e-mail provider's domain
	RuleEmail        = "email"              // an e-mail address
	RuleTaken        = "taken"              // {value}: the id is in use
	RuleDuplicate    = "duplicate"          // the entry is listed twice
	RuleSelf         = "self"               // cannot name oneself
	RuleNotMentor    = "not_in_directory"   // not a mentor in the directory
	RuleUnknown      = "unknown"            // no such object
	RuleInteger      = "integer"            // a whole number
	RuleType         = "type"               // {want, got}: a JSON value of the wrong type
	RuleJSON         = "json"               // not (valid) JSON
	RuleUnknownField = "unknown_field"      // a field this endpoint does not know
	RuleTooLarge     = "too_large"          // the body is too large
	RuleImage        = "image"              // {value}: an image of this format that cannot be read (damaged)
	RuleImagePixels  = "image_pixels"       // {max_pixels, width, height}: an image with too many pixels
	RuleNotAllZero   = "not_all_zero"       // at least one weight above 0
	RuleMinValue     = "min_value"          // {min}: at least min
	RuleTimeZone     = "time_zone"          // an IANA time zone
	RuleClockTime    = "clock_time"         // HH:MM, 24-hour clock
	RuleInFuture     = "in_future"          // a date in the future
	RuleBeforeStart  = "before_start"       // a date before the tandem started
	RuleAfterWrapUp  = "after_wrap_up"      // {date}: a date after the program's wrap-up

	// Refusals.
	RuleWrongPhase        = "wrong_phase"     // {program, phase, action, allowed}: the phase does not allow it
	RuleNextPhase         = "next_phase"      // {phase, next}: phases go one step at a time ("" next: none)
	RuleNoDates           = "no_dates"        // the open program has no dates
	RuleNoPhases          = "no_phases"       // the open program has no phases
	RuleAdminsOnly        = "admins_only"     // only admins may change this
	RuleChanged           = "changed"         // {version}: changed meanwhile; reload
	RuleStatus            = "status"          // {status}: not possible in this status
	RuleOwnApplication    = "own_application" // a curator deciding on their own application
	RuleOwnTandem         = "own_tandem"      // a curator proposing a tandem they are part of
	RuleMaxMeetings       = "max_meetings"    // {max}: the meeting log is full
	RuleMaxComments       = "max_comments"    // {max}: the application holds the most comments it can
	RuleTandemEnded       = "tandem_ended"    // the tandem has ended
	RuleSearchUnavailable = "search_unavailable"
	RuleProviderDown      = "provider_unavailable" // {provider}: the identity provider cannot be reached
	RuleRole              = "role"                 // {roles}: only people with one of these roles may
	RuleProgramCurator    = "program_curator"      // only the program's curators may
	RuleCSRF              = "csrf"                 // the form's token is missing or stale
	RuleCrossSite         = "cross_site"           // a request from another site
	RuleRateLimit         = "rate_limit"           // too many attempts; wait a minute
	RuleLastAdmin         = "last_admin"           // the last admin cannot give up the role
	RuleConfigured        = "configured"           // {role}: the configuration gives this role
	RuleSignInPolicy      = "signin_policy"        // only people of the platform's verified organizations
	RuleUntrustedEmail    = "untrusted_email"      // {email}: the provider does not vouch for the address
	RuleRequiredMail      = "required_mail"        // this message type cannot be switched off
	RuleMailOff           = "mail_off"             // e-mail is switched off on this platform
	RuleBadLink           = "bad_link"             // a link (e.g. to unsubscribe) that is not valid or has expired
	RuleAccountErasing    = "account_erasing"      // signing in while the account's erasure has not finished
	RuleRecentSignIn      = "recent_sign_in"       // {minutes}: sign in again first (deleting the account)

	// Matching's hard rules (package matching uses the same keys).
	RuleSameOrganization   = "same_organization"
	RuleSameGroup          = "same_group"
	RuleCompetitors        = "competitors"
	RuleLineManagement     = "line_management"
	RuleNoSharedLanguage   = "no_shared_language"
	RuleCapacityReached    = "capacity_reached"
	RuleOneMentorPerMentee = "one_mentor_per_mentee"
	RuleRequestPaired      = "request_paired" // a request with a proposed or running tandem cannot be withdrawn
)

// Rules lists every rule key, so that a test can check that each one is
// translated.
var Rules = []string{
	RuleRequired, RuleMinLength, RuleMaxLength, RuleLength, RuleInvalidUTF8, RuleControlChars,
	RuleMaxItems, RuleItemLength, RuleUnknownTopic, RuleLanguageCode, RuleCountryCode, RuleRange,
	RuleOneOf, RuleHTTPS, RuleLinkedInURL, RuleNoPort, RuleSlug, RuleReserved, RuleDate, RuleDateOrder,
	RuleAfterKickOff, RuleRequiredOnce, RuleDomain, RulePublicDomain, RuleEmail, RuleTaken, RuleDuplicate, RuleSelf, RuleNotMentor,
	RuleUnknown, RuleInteger, RuleType, RuleJSON, RuleUnknownField, RuleTooLarge, RuleImage, RuleImagePixels, RuleNotAllZero,
	RuleMinValue, RuleTimeZone, RuleClockTime, RuleInFuture, RuleBeforeStart, RuleAfterWrapUp,
	RuleWrongPhase, RuleNextPhase, RuleNoDates, RuleNoPhases, RuleAdminsOnly, RuleChanged, RuleStatus,
	RuleOwnApplication, RuleOwnTandem, RuleMaxMeetings, RuleMaxComments, RuleTandemEnded, RuleSearchUnavailable,
	RuleProviderDown, RuleRole, RuleProgramCurator, RuleCSRF, RuleCrossSite, RuleRateLimit, RuleLastAdmin, RuleConfigured, RuleSignInPolicy, RuleUntrustedEmail, RuleRequiredMail, RuleMailOff, RuleBadLink, RuleAccountErasing, RuleRecentSignIn,
	RuleSameOrganization, RuleSameGroup, RuleCompetitors, RuleLineManagement, RuleNoSharedLanguage, RuleRequestPaired,
	RuleCapacityReached, RuleOneMentorPerMentee,
}
