package ui

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/sync/replica"
)

// Paths of the app. Ids are lowercase UUIDs.
const idPattern = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`

var (
	workshopPath = regexp.MustCompile(`^/w/(` + idPattern + `)$`)
	sessionPath  = regexp.MustCompile(`^/w/(` + idPattern + `)/s/(` + idPattern + `)$`)
	votePath     = regexp.MustCompile(`^/w/(` + idPattern + `)/vote/(` + idPattern + `)$`)
	devicePath   = regexp.MustCompile(`^/w/(` + idPattern + `)/device$`)
)

func workshopURL(w string) string   { return "/w/" + w }
func sessionURL(w, s string) string { return "/w/" + w + "/s/" + s }
func voteURL(w, b string) string    { return "/w/" + w + "/vote/" + b }
func deviceURL(w string) string     { return "/w/" + w + "/device" }
func pathParams(ctx app.Context, re *regexp.Regexp) []string {
	m := re.FindStringSubmatch(ctx.Page().URL().Path)
	if m == nil {
		return make([]string, re.NumSubexp()+1)
	}
	return m
}

// invite is what a join link carries: the workshop and its join code, and
// for a second phone of the same person also the participant, its device
// secret and its name.
type invite struct {
	Workshop, Code            string
	Participant, Secret, Name string
}

// joinLink returns the link that opens the join page with inv, absolute on
// origin (scheme and host of the page).
func joinLink(origin *url.URL, inv invite) string {
	q := url.Values{}
	q.Set("w", inv.Workshop)
	q.Set("c", inv.Code)
	if inv.Participant != "" {
		q.Set("p", inv.Participant)
		q.Set("s", inv.Secret)
		if inv.Name != "" {
			q.Set("n", inv.Name)
		}
	}
	u := url.URL{Path: "/join", RawQuery: q.Encode()}
	if origin != nil {
		u.Scheme, u.Host = origin.Scheme, origin.Host
	}
	return u.String()
}

// parseInvite reads a join link (absolute or not), or just its query. It
// reports false when the link does not name a workshop and a code.
func parseInvite(raw string) (invite, bool) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return invite{}, false
	}
	q := u.Query()
	inv := invite{
		Workshop: strings.ToLower(q.Get("w")), Code: strings.TrimSpace(q.Get("c")),
		Participant: strings.ToLower(q.Get("p")), Secret: q.Get("s"), Name: q.Get("n"),
	}
	if !replica.IsID(inv.Workshop) || inv.Code == "" {
		return invite{}, false
	}
	if inv.Participant != "" && (!replica.IsID(inv.Participant) || len(inv.Secret) < 22 || len(inv.Secret) > 128) {
		inv.Participant, inv.Secret = "", ""
	}
	return inv, true
}

// joinPath returns the in-app path of the join page for inv.
func joinPath(inv invite) string {
	u, _ := url.Parse(joinLink(&url.URL{}, inv))
	return "/join?" + u.RawQuery
}
