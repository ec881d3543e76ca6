package frontend

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	otm "github.com/opentomentor/opentomentor"
	"github.com/opentomentor/opentomentor/internal/httperr"
	"github.com/opentomentor/opentomentor/shortlist"
	"github.com/opentomentor/opentomentor/tandem"
)

// shortlistView is a request's shortlist on the matching page.
type shortlistView struct {
	URL      string // the form's target
	Version  int64  // what the form edits
	Entries  []shortlistEntry
	Sent     bool
	Picked   []string // names of the mentors the executive picked, in order
	Error    string
	CanAdd   bool            // room for another candidate
	OnList   map[string]bool // mentor profile ids on it
	Comments []shortlist.Comment
	// MoreWanted is the executive's reason for asking for other mentors.
	MoreWanted string
}

type shortlistEntry struct {
	Index                      int
	ProfileID, Name, URL, Note string
	First, Last                bool
}

// shortlistOf returns the shortlist of the request id for the matching page.
func (f *Frontend) shortlistOf(c *fiber.Ctx, d *pageData, id string) (*shortlistView, error) {
	sl, err := f.cfg.Shortlists.Get(c.UserContext(), d.Principal, id)
	if err != nil {
		return nil, err
	}
	v := &shortlistView{URL: "/match/" + pathID(id) + "/shortlist", Version: sl.Version, Sent: sl.SentAt != nil, OnList: map[string]bool{},
		CanAdd: len(sl.Candidates) < shortlist.MaxCandidates, Comments: sl.Comments}
	if sl.MoreWanted != nil {
		v.MoreWanted = sl.MoreWanted.Reason
	}
	for i, cand := range sl.Candidates {
		e := shortlistEntry{Index: i, ProfileID: cand.MentorProfileID, Name: cand.MentorProfileID, Note: cand.Note,
			First: i == 0, Last: i == len(sl.Candidates)-1}
		if doc, err := f.mentorDoc(c, cand.MentorProfileID); err == nil && doc != nil {
			e.Name, e.URL = doc.Name, "/mentors/"+pathID(doc.ID)
		}
		v.Entries = append(v.Entries, e)
		v.OnList[cand.MentorProfileID] = true
	}
	for _, pk := range sl.Picks {
		name := pk.MentorProfileID
		if doc, err := f.mentorDoc(c, pk.MentorProfileID); err == nil && doc != nil {
			name = doc.Name
		}
		v.Picked = append(v.Picked, name)
	}
	return v, nil
}

// matchShortlist answers POST /match/:id/shortlist: op=add (add=mentor id,
// from a suggestion), or the list as the form shows it (mentor and note, in
// order) saved with op=save, up:i, down:i, remove:i or send.
func (f *Frontend) matchShortlist(c *fiber.Ctx) error {
	d := f.newPage(c, "match")
	id := c.Params("id")
	here := "/match/" + pathID(id)
	if done, err := f.requireMatchPage(c, d, here); done {
		return err
	}
	ctx, fm := c.UserContext(), readForm(c)
	op := fm.get("op")
	if op == "comment" {
		if _, err := f.cfg.Shortlists.Comment(ctx, d.Principal, id, fm.get("comment")); err != nil {
			return f.shortlistFailed(c, d, id, err)
		}
		return c.Redirect(here+"?shortlist=commented#shortlist", http.StatusSeeOther)
	}
	var cands []shortlist.Candidate
	if op == "add" {
		return f.addToShortlist(c, d, id, fm.get("add"))
	} else {
		notes := fm.all("note")
		for i, m := range fm.all("mentor") {
			cand := shortlist.Candidate{MentorProfileID: m}
			if i < len(notes) {
				cand.Note = notes[i]
			}
			cands = append(cands, cand)
		}
		cands = reorder(cands, op)
	}
	version, _ := strconv.ParseInt(fm.get("version"), 10, 64)
	if _, err := f.cfg.Shortlists.Put(ctx, d.Principal, id, cands, version); err != nil {
		return f.shortlistFailed(c, d, id, err)
	}
	done := "saved"
	if op == "send" {
		if _, err := f.cfg.Shortlists.Send(ctx, d.Principal, id); err != nil {
			return f.shortlistFailed(c, d, id, err)
		}
		done = "sent"
	}
	return c.Redirect(here+"?shortlist="+done+"#shortlist", http.StatusSeeOther)
}

// reorder applies a list operation (up:i, down:i, remove:i) to cands.
func reorder(cands []shortlist.Candidate, op string) []shortlist.Candidate {
	verb, arg, _ := strings.Cut(op, ":")
	i, err := strconv.Atoi(arg)
	if err != nil || i < 0 || i >= len(cands) {
		return cands
	}
	switch {
	case verb == "up" && i > 0:
		cands[i-1], cands[i] = cands[i], cands[i-1]
	case verb == "down" && i < len(cands)-1:
		cands[i+1], cands[i] = cands[i], cands[i+1]
	case verb == "remove":
		cands = append(cands[:i], cands[i+1:]...)
	}
	return cands
}

// shortlistFailed shows the matching page again with why the shortlist was
// not saved or sent (the rule, in the page's language), or fails.
func (f *Frontend) shortlistFailed(c *fiber.Ctx, d *pageData, id string, err error) error {
	code := otm.ErrorCode(err)
	if code != otm.EINVALID && code != otm.ECONFLICT {
		return f.fail(c, err, "/match/"+pathID(id), "")
	}
	text := f.errorText(c.UserContext(), d.Lang, err)
	if fs := otm.ErrorFields(err); len(fs) > 0 {
		// candidates[i].…: say which mentor of the list it is about.
		if _, rest, ok := strings.Cut(fs[0].Field, "["); ok {
			if n, err := strconv.Atoi(strings.SplitN(rest, "]", 2)[0]); err == nil {
				text = f.translate(d.Lang, "shortlist.err.candidate", n+1) + " " + text
			}
		}
	}
	status := httperr.FormStatus(err)
	return f.renderMatchRequest(c, status, d, id, matchState{shortlist: text})
}

// offersView is GET /shortlists: the mentors curators shortlisted for the
// executive.
type offersView struct {
	Offers []offerView
	Error  string
}

type offerView struct {
	ID, ProgramName, PickURL, MoreURL string
	AskedForMore                      bool
	Open                              bool // a picked tandem waits for the mentor or runs
	Candidates                        []shortlist.OfferEntry
	Initials                          map[string]string
}

// shortlistsPage answers GET /shortlists.
func (f *Frontend) shortlistsPage(c *fiber.Ctx) error {
	d := f.newPage(c, "shortlists")
	if d.Principal == nil {
		return toSignIn(c, "/shortlists")
	}
	return f.renderShortlists(c, d, http.StatusOK, "")
}

func (f *Frontend) renderShortlists(c *fiber.Ctx, d *pageData, status int, message string) error {
	offers, err := f.cfg.Shortlists.Mine(c.UserContext(), d.Principal)
	if err != nil {
		return f.fail(c, err, "/shortlists", "")
	}
	names, err := f.programNamesAll(c, d.Lang)
	if err != nil {
		return f.fail(c, err, "/shortlists", "")
	}
	v := &offersView{Error: message}
	for _, o := range offers {
		ov := offerView{ID: o.ID, ProgramName: names[o.Program], PickURL: "/shortlists/" + pathID(o.ID) + "/pick", Open: o.Open != "",
			MoreURL: "/shortlists/" + pathID(o.ID) + "/more", AskedForMore: o.AskedForMore,
			Candidates: o.Candidates, Initials: map[string]string{}}
		for _, e := range o.Candidates {
			ov.Initials[e.MentorProfileID] = initial(e.Name)
		}
		v.Offers = append(v.Offers, ov)
	}
	if key, ok := map[string]string{"picked": "shortlists.done.picked", "more": "shortlists.done.more"}[c.Query("done")]; ok {
		d.Notice = f.translate(d.Lang, key)
	}
	d.Title = f.translate(d.Lang, "shortlists.title")
	d.Offers = v
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, status, "shortlists", d)
}

// programNamesAll returns every program's name in lang, by id.
func (f *Frontend) programNamesAll(c *fiber.Ctx, lang string) (map[string]string, error) {
	all, err := f.cfg.Programs.All(c.UserContext())
	if err != nil {
		return nil, err
	}
	return f.programNames(lang, all), nil
}

// shortlistPick answers POST /shortlists/:id/pick (mentorProfileId): the
// tandem goes to the mentor; a refusal is shown on the page.
func (f *Frontend) shortlistPick(c *fiber.Ctx) error {
	d := f.newPage(c, "shortlists")
	if d.Principal == nil {
		return toSignIn(c, "/shortlists")
	}
	_, err := f.cfg.Shortlists.Pick(c.UserContext(), d.Principal, c.Params("id"), readForm(c).get("mentorProfileId"))
	switch code := otm.ErrorCode(err); code {
	case "":
		return c.Redirect("/shortlists?done=picked", http.StatusSeeOther)
	case otm.EINVALID, otm.ECONFLICT:
		return f.renderShortlists(c, d, httperr.FormStatus(err), f.errorText(c.UserContext(), d.Lang, err))
	}
	return f.fail(c, err, "/shortlists", "")
}

// shortlistMore answers POST /shortlists/:id/more (reason): ask the curators
// for other mentors.
func (f *Frontend) shortlistMore(c *fiber.Ctx) error {
	d := f.newPage(c, "shortlists")
	if d.Principal == nil {
		return toSignIn(c, "/shortlists")
	}
	err := f.cfg.Shortlists.AskForMore(c.UserContext(), d.Principal, c.Params("id"), readForm(c).get("reason"))
	switch otm.ErrorCode(err) {
	case "":
		return c.Redirect("/shortlists?done=more", http.StatusSeeOther)
	case otm.EINVALID:
		return f.renderShortlists(c, d, http.StatusUnprocessableEntity, f.translate(d.Lang, "shortlists.err.reason"))
	}
	return f.fail(c, err, "/shortlists", "")
}

// addToShortlist puts a mentor at the end of a request's shortlist and
// shows it, or why not.
func (f *Frontend) addToShortlist(c *fiber.Ctx, d *pageData, requestID, mentorID string) error {
	here := "/match/" + pathID(requestID)
	cur, err := f.cfg.Shortlists.Get(c.UserContext(), d.Principal, requestID)
	if err != nil {
		return f.fail(c, err, here, "")
	}
	cands := append(cur.Candidates, shortlist.Candidate{MentorProfileID: mentorID})
	if _, err := f.cfg.Shortlists.Put(c.UserContext(), d.Principal, requestID, cands, cur.Version); err != nil {
		return f.shortlistFailed(c, d, requestID, err)
	}
	return c.Redirect(here+"?shortlist=saved#shortlist", http.StatusSeeOther)
}

// mentorShortlist answers POST /mentors/:id/shortlist (request=): a curator
// adds the mentor from their profile page to a request's shortlist.
func (f *Frontend) mentorShortlist(c *fiber.Ctx) error {
	d := f.newPage(c, "match")
	mentorID := c.Params("id")
	if done, err := f.requireMatchPage(c, d, "/mentors/"+pathID(mentorID)); done {
		return err
	}
	return f.addToShortlist(c, d, readForm(c).get("request"), mentorID)
}

// shortlistTargets are the requests a curator may add a mentor to from the
// mentor's page: submitted, in a program they curate, without a tandem.
func (f *Frontend) shortlistTargets(c *fiber.Ctx, d *pageData) ([]option, error) {
	if f.cfg.Shortlists == nil || d.Principal == nil || f.cfg.Programs.RequireCuratorOfAny(c.UserContext(), d.Principal) != nil {
		return nil, nil
	}
	reqs, err := f.cfg.Tandems.Requests(c.UserContext(), d.Principal, "")
	if err != nil {
		return nil, err
	}
	paired, err := f.cfg.Tandems.PairedRequests(c.UserContext(), d.Principal)
	if err != nil {
		return nil, err
	}
	var out []option
	for _, r := range reqs {
		if r.Status == tandem.RequestSubmitted && !paired[r.ID] {
			out = append(out, option{Value: r.ID, Label: r.Name})
		}
	}
	return out, nil
}
