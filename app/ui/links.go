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
	q := []string{"c", inv.Code}
	if inv.Participant != "" {
		if inv.Name != "" {
			q = append(q, "n", inv.Name)
		}
		q = append(q, "p", inv.Participant, "s", inv.Secret)
	}
	u := url.URL{Path: "/join", RawQuery: encodeQuery(append(q, "w", inv.Workshop)...)}
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
	q := u.RawQuery
	inv := invite{
		Workshop: strings.ToLower(queryGet(q, "w")), Code: strings.TrimSpace(queryGet(q, "c")),
		Participant: strings.ToLower(queryGet(q, "p")), Secret: queryGet(q, "s"), Name: queryGet(q, "n"),
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

// encodeQuery is url.Values.Encode for keys and values given in pairs, the
// keys already in sorted order. It and queryGet spare app.wasm url.Values's
// encoding and parsing, which go-app does not link.
func encodeQuery(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(kv[i]) + "=" + url.QueryEscape(kv[i+1]))
	}
	return b.String()
}

// queryGet is url.ParseQuery(raw).Get(key): the first value of key, pairs
// that do not parse skipped.
func queryGet(raw, key string) string {
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		if strings.Contains(kv, ";") {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err := url.QueryUnescape(k)
		if err != nil || k != key {
			continue
		}
		if v, err = url.QueryUnescape(v); err == nil {
			return v
		}
	}
	return ""
}
